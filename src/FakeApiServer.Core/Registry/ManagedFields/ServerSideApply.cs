using System.Text.Json.Nodes;
using FakeApiServer.Schema;

namespace FakeApiServer.Registry.ManagedFields;

/// <summary>
/// The object side of server-side apply (structured-merge-diff's merge and prune): merging an applied
/// configuration into the live object, and removing what the applier stopped applying and nobody else owns.
/// </summary>
internal static class ServerSideApply
{
    /// <summary>
    /// Merges <paramref name="config"/> into a copy of <paramref name="live"/>: objects recursively (an explicit
    /// null removes the field), list-type maps element by element by their keys, sets as a union, atomic lists and
    /// maps and scalars replaced. Element order follows upstream: the applied order, with live-only elements kept in
    /// place relative to the shared ones.
    /// </summary>
    public static JsonNode? Merge(JsonNode? live, JsonNode? config, StructuralSchema? schema)
    {
        if (config is null)
        {
            return null;
        }

        var kind = FieldShape.KindOf(schema, config);
        switch (kind)
        {
            case ShapeKind.Struct or ShapeKind.Map when config is JsonObject applied && live is JsonObject current:
                var merged = (JsonObject)current.DeepClone();
                foreach (var (name, value) in applied)
                {
                    if (value is null)
                    {
                        merged.Remove(name);
                        continue;
                    }

                    merged[name] = Merge(current[name], value, FieldShape.FieldSchema(schema, name));
                }

                return merged;
            case ShapeKind.AssociativeList or ShapeKind.SetList when config is JsonArray applied && live is JsonArray current
                && FieldShape.KindOf(schema, live) == kind:
                return MergeList(current, applied, schema!, kind);
            default:
                return Strip(config.DeepClone(), schema);
        }
    }

    /// <summary>
    /// Removes from <paramref name="obj"/> every member path of <paramref name="set"/> (the whole field or element),
    /// descending through the set's children (upstream's TypedValue.RemoveItems).
    /// </summary>
    public static void RemoveItems(JsonNode? obj, FieldSet set, StructuralSchema? schema)
    {
        if (set.IsEmpty)
        {
            return;
        }

        var kind = FieldShape.KindOf(schema, obj);
        if (obj is JsonObject map && kind is ShapeKind.Struct or ShapeKind.Map)
        {
            foreach (var name in map.Select(p => p.Key).ToList())
            {
                var element = PathElement.Field(name);
                if (set.Members.Contains(element))
                {
                    map.Remove(name);
                }
                else if (set.Child(element) is { } child)
                {
                    RemoveItems(map[name], child, FieldShape.FieldSchema(schema, name));
                }
            }
        }
        else if (obj is JsonArray list && kind is ShapeKind.AssociativeList or ShapeKind.SetList)
        {
            var elements = FieldShape.Elements(schema, kind, list).ToList();
            for (var i = elements.Count - 1; i >= 0; i--)
            {
                var (element, value) = elements[i];
                if (set.Members.Contains(element))
                {
                    list.RemoveAt(i);
                }
                else if (set.Child(element) is { } child)
                {
                    RemoveItems(value, child, schema!.Items);
                }
            }
        }
    }

    /// <summary>
    /// Upstream's Updater.prune: removes the fields and elements the applier owned last time
    /// (<paramref name="lastApplied"/>) that no manager owns now (<paramref name="owned"/>, the applier's new set included).
    /// </summary>
    public static void Prune(JsonObject merged, FieldSet lastApplied, FieldSet owned, StructuralSchema? schema)
    {
        if (lastApplied.IsEmpty)
        {
            return;
        }

        var present = FieldSetBuilder.WithNamedFieldsAsMembers(FieldSetBuilder.ToFieldSet(merged, schema), schema);
        var remove = present
            .Intersection(FieldSetBuilder.WithNamedFieldsAsMembers(lastApplied, schema))
            .Difference(FieldSetBuilder.WithNamedFieldsAsMembers(owned, schema));
        RemoveItems(merged, remove, schema);
    }

    private static JsonArray MergeList(JsonArray live, JsonArray applied, StructuralSchema schema, ShapeKind kind)
    {
        var lhs = FieldShape.Elements(schema, kind, live).ToList();
        var rhs = FieldShape.Elements(schema, kind, applied).ToList();
        var observedLeft = new Dictionary<PathElement, JsonNode?>();
        foreach (var (element, value) in lhs)
        {
            observedLeft.TryAdd(element, value);
        }

        var observedRight = new Dictionary<PathElement, JsonNode?>();
        foreach (var (element, value) in rhs)
        {
            observedRight.TryAdd(element, value);
        }

        // The shared elements in applied order: a live element that is also applied is emitted at the applied position.
        var shared = new Queue<PathElement>(rhs.Select(r => r.Element).Where(observedLeft.ContainsKey));
        var nextShared = shared.Count > 0 ? shared.Dequeue() : null;
        var mergedRight = new HashSet<PathElement>();
        var result = new JsonArray();
        int l = 0, r = 0;
        while (l < lhs.Count || r < rhs.Count)
        {
            if (l < lhs.Count && r < rhs.Count)
            {
                var element = lhs[l].Element;
                if (element.Equals(rhs[r].Element))
                {
                    mergedRight.Add(element);
                    result.Add(Merge(observedLeft[element], observedRight[element], schema.Items));
                    l++;
                    r++;
                    nextShared = shared.Count > 0 ? shared.Dequeue() : null;
                    continue;
                }

                if (observedRight.ContainsKey(element) && nextShared is not null && !nextShared.Equals(element))
                {
                    l++;
                    continue;
                }
            }

            if (l < lhs.Count)
            {
                var element = lhs[l].Element;
                if (!observedRight.ContainsKey(element))
                {
                    result.Add(lhs[l].Value?.DeepClone());
                    l++;
                    continue;
                }

                if (mergedRight.Contains(element))
                {
                    l++;
                    continue;
                }
            }

            if (r < rhs.Count)
            {
                var element = rhs[r].Element;
                mergedRight.Add(element);
                result.Add(Merge(observedLeft.GetValueOrDefault(element), observedRight[element], schema.Items));
                r++;
                if (nextShared is not null && nextShared.Equals(element))
                {
                    nextShared = shared.Count > 0 ? shared.Dequeue() : null;
                }
            }
        }

        return result;
    }

    /// <summary>An applied value taken whole, without the explicit nulls of its objects (they mean "absent").</summary>
    private static JsonNode Strip(JsonNode value, StructuralSchema? schema)
    {
        if (value is JsonObject obj && FieldShape.KindOf(schema, obj) is ShapeKind.Struct or ShapeKind.Map)
        {
            foreach (var name in obj.Where(p => p.Value is null).Select(p => p.Key).ToList())
            {
                obj.Remove(name);
            }
        }

        return value;
    }
}
