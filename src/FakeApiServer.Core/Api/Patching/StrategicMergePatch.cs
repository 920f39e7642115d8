using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Schema;

namespace FakeApiServer.Api.Patching;

/// <summary>
/// Strategic merge patch (k8s.io/apimachinery strategicpatch) applied to a stored object: maps merge recursively
/// and null deletes a key; lists whose field has patch strategy "merge" merge by their x-kubernetes-patch-merge-key
/// (primitive lists are unioned); other lists are replaced. Directives: $patch (replace, merge, delete) on maps and
/// list elements, $retainKeys, $deleteFromPrimitiveList/&lt;field&gt; and $setElementOrder/&lt;field&gt;.
/// The schema gives the merge keys and strategies; where it is silent a list is replaced, as upstream does.
/// </summary>
internal static class StrategicMergePatch
{
    private const string PatchDirective = "$patch";
    private const string RetainKeysDirective = "$retainKeys";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";
    private const string SetElementOrderPrefix = "$setElementOrder/";

    /// <summary>Applies <paramref name="patch"/> to a copy of <paramref name="original"/>; throws <see cref="JsonPatchException"/> for malformed patches.</summary>
    public static JsonObject Apply(JsonObject original, JsonNode? patch, StructuralSchema? schema)
    {
        if (patch is not JsonObject patchObject)
        {
            throw new JsonPatchException("strategic merge patch must be a JSON object");
        }

        return MergeMap((JsonObject)original.DeepClone(), patchObject, schema) ?? [];
    }

    private static JsonObject? MergeMap(JsonObject original, JsonObject patch, StructuralSchema? schema)
    {
        switch (Directive(patch))
        {
            case "delete":
                return null;
            case "replace":
                return Clean(patch, schema) as JsonObject;
            case null or "merge":
                break;
            default:
                throw new JsonPatchException($"unknown patch type: {Directive(patch)} in map: {patch.ToJsonString()}");
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                if (value is not JsonArray)
                {
                    throw ApiException.BadRequest("invalid patch format of primitive list");
                }

                var field = key[DeleteFromPrimitiveListPrefix.Length..];
                if (original[field] is JsonArray list && value is JsonArray remove)
                {
                    foreach (var item in list.Where(i => remove.Any(r => JsonNode.DeepEquals(r, i))).ToList())
                    {
                        list.Remove(item);
                    }
                }

                continue;
            }

            if (key.StartsWith('$'))
            {
                continue;
            }

            var fieldSchema = Child(schema, key);
            if (value is null)
            {
                original.Remove(key);
            }
            else if (original[key] is JsonObject originalMap && value is JsonObject patchMap && fieldSchema?.Type != "string")
            {
                var merged = MergeMap(originalMap, patchMap, fieldSchema);
                if (merged is null)
                {
                    original.Remove(key);
                }
                else if (!ReferenceEquals(merged, originalMap))
                {
                    original[key] = merged;
                }
            }
            else if (original[key] is JsonArray originalList && value is JsonArray patchList)
            {
                original[key] = MergeList(originalList, patchList, fieldSchema);
            }
            else if (value is JsonObject newMap && Directive(newMap) == "delete")
            {
                original.Remove(key);
            }
            else
            {
                original[key] = Clean(value, fieldSchema);
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal) && value is not JsonArray)
            {
                throw new JsonPatchException($"expected a slice, but received a {GoKind(value)}");
            }

            if (key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal) && value is JsonArray order
                && original[key[SetElementOrderPrefix.Length..]] is JsonArray list)
            {
                Reorder(list, order, Child(schema, key[SetElementOrderPrefix.Length..])?.PatchMergeKey);
            }
        }

        if (patch.ContainsKey(RetainKeysDirective) && patch[RetainKeysDirective] is not JsonArray)
        {
            throw ApiException.BadRequest("invalid patch format of retainKeys");
        }

        if (patch[RetainKeysDirective] is JsonArray retain)
        {
            // Upstream's ErrBadPatchFormatForRetainKeys, a 400: the directive must list field names.
            var keep = retain.Select(k => k is JsonValue v && v.TryGetValue(out string? name)
                ? name
                : throw ApiException.BadRequest("invalid patch format of retainKeys")).ToHashSet(StringComparer.Ordinal);
            foreach (var key in original.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                original.Remove(key);
            }
        }

        return original;
    }

    private static JsonArray MergeList(JsonArray original, JsonArray patch, StructuralSchema? schema)
    {
        var strategy = schema?.PatchStrategy ?? "";
        var mergeKey = schema?.PatchMergeKey;
        var merges = strategy.Split(',').Contains("merge");
        if (patch.OfType<JsonObject>().Any(e => Directive(e) == "replace"))
        {
            return new JsonArray(patch.Where(e => e is not JsonObject o || Directive(o) != "replace").Select(e => Clean(e, schema?.Items)).ToArray());
        }

        if (!merges)
        {
            return (JsonArray)Clean(patch, schema)!;
        }

        var result = new JsonArray(original.Select(e => e?.DeepClone()).ToArray());
        if (mergeKey is null)
        {
            // A primitive list with strategy merge (finalizers): union, keeping the original order.
            foreach (var item in patch)
            {
                if (item is JsonObject o && Directive(o) is not null)
                {
                    continue;
                }

                if (!result.Any(r => JsonNode.DeepEquals(r, item)))
                {
                    result.Add(item?.DeepClone());
                }
            }

            return result;
        }

        foreach (var item in patch)
        {
            if (item is not JsonObject element)
            {
                throw new JsonPatchException($"the list of a field with merge key {mergeKey} holds a non-object: {item?.ToJsonString()}");
            }

            var key = element[mergeKey];
            var index = IndexOf(result, mergeKey, key);
            if (Directive(element) == "delete")
            {
                while (index >= 0)
                {
                    result.RemoveAt(index);
                    index = IndexOf(result, mergeKey, key);
                }

                continue;
            }

            if (index >= 0 && result[index] is JsonObject existing)
            {
                var merged = MergeMap(existing, element, schema?.Items);
                if (merged is null)
                {
                    result.RemoveAt(index);
                }
                else if (!ReferenceEquals(merged, existing))
                {
                    result[index] = merged;
                }
            }
            else
            {
                result.Add(Clean(element, schema?.Items));
            }
        }

        return result;
    }

    private static int IndexOf(JsonArray list, string mergeKey, JsonNode? key)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is JsonObject o && JsonNode.DeepEquals(o[mergeKey], key))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Orders a merged list as $setElementOrder says; elements it does not name keep their place after those it names.</summary>
    private static void Reorder(JsonArray list, JsonArray order, string? mergeKey)
    {
        var items = list.Select(i => i?.DeepClone()).ToList();
        JsonNode? KeyOf(JsonNode? item) => mergeKey is not null && item is JsonObject o ? o[mergeKey] : item;
        var ordered = new List<JsonNode?>();
        foreach (var wanted in order)
        {
            var wantedKey = mergeKey is not null && wanted is JsonObject w ? w[mergeKey] : wanted;
            var match = items.FindIndex(i => JsonNode.DeepEquals(KeyOf(i), wantedKey));
            if (match >= 0)
            {
                ordered.Add(items[match]);
                items.RemoveAt(match);
            }
        }

        ordered.AddRange(items);
        list.Clear();
        foreach (var item in ordered)
        {
            list.Add(item);
        }
    }

    /// <summary>A patch value with its directives removed, for where it lands without merging.</summary>
    private static JsonNode? Clean(JsonNode? node, StructuralSchema? schema)
    {
        switch (node)
        {
            case JsonObject o:
            {
                var result = new JsonObject();
                foreach (var (key, value) in o)
                {
                    if (key.StartsWith('$') || value is JsonObject { Count: 1 } d && Directive(d) == "delete")
                    {
                        continue;
                    }

                    if (value is null)
                    {
                        continue;
                    }

                    result[key] = Clean(value, Child(schema, key));
                }

                return result;
            }

            case JsonArray a:
                return new JsonArray(a.Where(e => e is not JsonObject eo || Directive(eo) is not ("delete" or "replace"))
                    .Select(e => Clean(e, schema?.Items)).ToArray());
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>The map's $patch directive, or null; one that is not a string is upstream's ErrBadPatchType.</summary>
    private static string? Directive(JsonObject map) => map[PatchDirective] switch
    {
        null when !map.ContainsKey(PatchDirective) => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        var other => throw new JsonPatchException($"unknown patch type: {GoJson.FormatString(other)} in map: {GoJson.Format(map)}"),
    };

    /// <summary>reflect.Kind of a decoded value, as mergepatch.ErrBadArgType prints it.</summary>
    private static string GoKind(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "invalid",
        JsonValueKind.Object => "map",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Number => long.TryParse(node.ToJsonString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _) ? "int64" : "float64",
        _ => "slice",
    };

    private static StructuralSchema? Child(StructuralSchema? schema, string name) => schema?.Property(name) ?? schema?.AdditionalProperties;
}
