using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Controllers.Deployments;

/// <summary>
/// The pod-template-hash label of a deployment's replica sets, as controller.ComputeHash: a 32-bit FNV-1a hash of the
/// pod template (and the deployment's collisionCount, when set), written as its decimal digits through
/// rand.SafeEncodeString's alphabet (no vowels, no look-alike characters), e.g. "7d9c8b5f4". Upstream hashes Go's
/// printed form of the template, which .NET cannot reproduce; this hashes the template's JSON with sorted keys, so the
/// value is stable across processes and restarts but differs from a real cluster's for the same template.
/// </summary>
internal static class PodTemplateHash
{
    /// <summary>The label key, on the replica set, its selector, its template and its pods.</summary>
    public const string Label = "pod-template-hash";

    /// <summary>rand.SafeEncodeString's alphabet.</summary>
    private const string Alphanumerics = "bcdfghjklmnpqrstvwxz2456789";

    private const uint FnvOffsetBasis = 2166136261;

    private const uint FnvPrime = 16777619;

    /// <summary>The hash of <paramref name="template"/> (without its pod-template-hash label) and <paramref name="collisionCount"/>.</summary>
    public static string Compute(JsonObject? template, long? collisionCount) => HashOf(WithoutHashLabel(template), collisionCount);

    /// <summary>
    /// The FNV-1a hash of <paramref name="node"/>'s JSON with sorted keys and <paramref name="collisionCount"/>, safely
    /// encoded: what ComputeHash and history.HashControllerRevision give, over this process's JSON form.
    /// </summary>
    public static string HashOf(JsonNode node, long? collisionCount)
    {
        var hash = FnvOffsetBasis;
        hash = Add(hash, Canonical(node));
        if (collisionCount is { } count)
        {
            hash = Add(hash, Encoding.UTF8.GetBytes(count.ToString(CultureInfo.InvariantCulture)));
        }

        return SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>A copy of <paramref name="template"/> without the pod-template-hash label (EqualIgnoreHash compares these).</summary>
    public static JsonObject WithoutHashLabel(JsonObject? template)
    {
        var copy = template?.DeepClone() as JsonObject ?? [];
        if (copy["metadata"]?["labels"] is JsonObject labels)
        {
            labels.Remove(Label);
            if (labels.Count == 0)
            {
                ((JsonObject)copy["metadata"]!).Remove("labels");
            }
        }

        return copy;
    }

    /// <summary>
    /// EqualIgnoreHash: whether two pod templates are equal apart from the pod-template-hash label, compared as
    /// apimachinery's semantic equality compares the typed objects: a null, an empty object or an empty array equals an
    /// absent field (kubectl's rollout undo writes back a template with "creationTimestamp": null and "resources": {}).
    /// </summary>
    public static bool EqualIgnoreHash(JsonObject? a, JsonObject? b) =>
        JsonNode.DeepEquals(Pruned(WithoutHashLabel(a)), Pruned(WithoutHashLabel(b)));

    /// <summary>A copy without nulls, empty objects and empty arrays (recursively).</summary>
    private static JsonNode? Pruned(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var prunedObject = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (Pruned(value) is { } kept)
                    {
                        prunedObject[key] = kept;
                    }
                }

                return prunedObject.Count == 0 ? null : prunedObject;
            case JsonArray array:
                var prunedArray = new JsonArray();
                foreach (var item in array)
                {
                    prunedArray.Add(Pruned(item) ?? new JsonObject());
                }

                return prunedArray.Count == 0 ? null : prunedArray;
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>rand.SafeEncodeString: each byte picks a character of the alphabet.</summary>
    internal static string SafeEncode(string text)
    {
        var chars = new char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            chars[i] = Alphanumerics[text[i] % Alphanumerics.Length];
        }

        return new string(chars);
    }

    private static uint Add(uint hash, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            hash ^= b;
            hash *= FnvPrime;
        }

        return hash;
    }

    /// <summary>The node's JSON with object keys sorted (as Go's json.Marshal writes a map), without spaces.</summary>
    public static byte[] Canonical(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteSorted(writer, node);
        }

        return buffer.ToArray();
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteSorted(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteSorted(writer, item);
                }

                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
