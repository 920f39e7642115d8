using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Schema;

namespace FakeApiServer.Registry.ManagedFields;

/// <summary>
/// kube-apiserver's bridge between client-side apply (the kubectl.kubernetes.io/last-applied-configuration
/// annotation) and server-side apply, which it grants only to the manager "kubectl": an apply may take over fields
/// that the annotation says were client-side applied and still hold that value (lastAppliedManager), and an apply
/// keeps an existing annotation in step with the applied configuration (lastAppliedUpdater).
/// </summary>
internal static class LastAppliedConfiguration
{
    public const string Annotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>The only manager the upgrade path serves; other managers opt out by their name.</summary>
    public const string KubectlManager = "kubectl";

    /// <summary>
    /// The fields an apply may take over without a conflict: those in the live object's annotation whose live
    /// value still equals the annotation's. Empty when there is no readable annotation.
    /// </summary>
    public static FieldSet AllowedConflicts(JsonObject live, StructuralSchema? schema)
    {
        if (Read(live) is not { } text)
        {
            return new FieldSet();
        }

        JsonObject? lastApplied;
        try
        {
            lastApplied = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return new FieldSet();
        }

        if (lastApplied is null)
        {
            return new FieldSet();
        }

        var changed = FieldSetBuilder.Compare(live, lastApplied, schema);
        return FieldSetBuilder.ToFieldSet(lastApplied, schema).Difference(changed.Modified).Difference(changed.Added);
    }

    /// <summary>Rewrites an existing, non-empty annotation of <paramref name="obj"/> to the applied configuration.</summary>
    public static void Update(JsonObject obj, JsonObject config)
    {
        if (Read(obj) is null)
        {
            return;
        }

        ((JsonObject)obj.Metadata()["annotations"]!)[Annotation] = Build(config);
    }

    /// <summary>
    /// The annotation's value for an applied configuration, as upstream's buildLastApplied encodes it: the
    /// configuration without the annotation, keys sorted, HTML characters escaped, ending in a newline (Go's json.Encoder).
    /// </summary>
    public static string Build(JsonObject config)
    {
        var copy = (JsonObject)config.DeepClone();
        if (copy["metadata"] is JsonObject meta && meta["annotations"] is JsonObject annotations)
        {
            annotations.Remove(Annotation);
        }

        var json = Encoding.UTF8.GetString(ObjectJson.Serialize(Sorted(copy)!));
        return json.Replace("<", "\\u003c", StringComparison.Ordinal)
            .Replace(">", "\\u003e", StringComparison.Ordinal)
            .Replace("&", "\\u0026", StringComparison.Ordinal)
            .Replace("\u2028", "\\u2028", StringComparison.Ordinal)
            .Replace("\u2029", "\\u2029", StringComparison.Ordinal) + "\n";
    }

    private static string? Read(JsonObject obj) =>
        obj["metadata"]?["annotations"] is JsonObject annotations && annotations.GetString(Annotation) is { Length: > 0 } text ? text : null;

    /// <summary>A copy with object keys in ordinal order, as Go marshals map[string]interface{}.</summary>
    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new KeyValuePair<string, JsonNode?>(p.Key, Sorted(p.Value)))),
        JsonArray list => new JsonArray(list.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };
}
