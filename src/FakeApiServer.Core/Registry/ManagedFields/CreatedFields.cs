using System.Text.Json.Nodes;
using FakeApiServer.Schema;

namespace FakeApiServer.Registry.ManagedFields;

/// <summary>
/// The FieldsV1 of a create's Update entry in one walk of the object, without field-set tries: what
/// <see cref="FieldSetBuilder.Compare"/> of an empty object with the created one calls added or modified, less the
/// strategy's reset fields (recursively) and the stripped identity fields (exactly), encoded as
/// <see cref="FieldSet.ToFieldsV1"/> encodes it (elements sorted, <c>".": {}</c> first on a member that is also a parent).
/// The walk mirrors <c>FieldSetBuilder.CompareNode</c> branch for branch; removed fields are not collected, as a create
/// with no earlier entries has nobody to take them from.
/// </summary>
internal static class CreatedFields
{
    /// <summary>The FieldsV1 of the fields <paramref name="created"/> sets; null when it sets none a manager can own.</summary>
    public static JsonObject? Encode(JsonObject created, StructuralSchema? schema, FieldSet ignored, FieldSet stripped) =>
        Walk(new JsonObject(), true, created, true, schema, atRoot: true, ignored.IsEmpty ? null : ignored, stripped, self: false);

    /// <summary>
    /// The encoded value of one path's element: <c>{}</c> for a changed leaf, its children (after <c>"."</c> when it is
    /// itself changed) for a parent, null when neither it nor anything below it changed. <paramref name="self"/> is
    /// false where the path cannot be a member (the root, a stripped field).
    /// </summary>
    private static JsonObject? Walk(JsonNode? lhs, bool lhsPresent, JsonNode? rhs, bool rhsPresent, StructuralSchema? schema, bool atRoot,
        FieldSet? ignored, FieldSet? stripped, bool self)
    {
        if (!lhsPresent && !rhsPresent)
        {
            return null;
        }

        var kind = FieldShape.KindOf(schema, rhsPresent ? rhs : lhs);
        if (lhsPresent && rhsPresent && FieldShape.KindOf(schema, lhs) != kind)
        {
            return self ? new JsonObject() : null;
        }

        var bothEmpty = (!lhsPresent || FieldShape.IsEmptyOrNull(lhs)) && (!rhsPresent || FieldShape.IsEmptyOrNull(rhs));
        if (kind is ShapeKind.Scalar or ShapeKind.Atomic || bothEmpty)
        {
            // Added, or modified; a removed path is nobody's to take here.
            var changed = !lhsPresent || (rhsPresent && !JsonNode.DeepEquals(lhs, rhs));
            return changed && self ? new JsonObject() : null;
        }

        var member = self && !lhsPresent;
        JsonObject? result = null;
        if (kind is ShapeKind.Struct or ShapeKind.Map)
        {
            var left = lhs as JsonObject;
            var right = rhs as JsonObject;
            foreach (var name in SortedNames(left, right))
            {
                if (ignored is not null && ignored.HasMemberField(name))
                {
                    continue;
                }

                var (l, hasLeft, r, hasRight) = FieldShape.FieldSides(kind, schema, left, right, name, atRoot);
                var child = Walk(l, hasLeft, r, hasRight, FieldShape.FieldSchema(schema, name), atRoot: false,
                    ignored?.ChildField(name), stripped?.ChildField(name), self: stripped is null || !stripped.HasMemberField(name));
                if (child is not null)
                {
                    result ??= Start(member);
                    result["f:" + name] = child;
                }
            }
        }
        else
        {
            foreach (var (element, l, hasLeft, r, hasRight) in SortedElements(schema, kind, lhs as JsonArray, rhs as JsonArray))
            {
                if (ignored is not null && ignored.Members.Contains(element))
                {
                    continue;
                }

                var child = Walk(l, hasLeft, r, hasRight, schema!.Items, atRoot: false,
                    ignored?.Child(element), stripped?.Child(element), self: stripped is null || !stripped.Members.Contains(element));
                if (child is not null)
                {
                    result ??= Start(member);
                    result[element.Token] = child;
                }
            }
        }

        return result ?? (member ? new JsonObject() : null);
    }

    private static JsonObject Start(bool member) => member ? new JsonObject { ["."] = new JsonObject() } : new JsonObject();

    /// <summary>The field names of either side, each once, in FieldsV1 order (ordinal, as "f:" tokens sort).</summary>
    private static string[] SortedNames(JsonObject? left, JsonObject? right)
    {
        var count = (left?.Count ?? 0) + (right?.Count ?? 0);
        if (count == 0)
        {
            return [];
        }

        var names = new string[count];
        var n = 0;
        if (left is not null)
        {
            for (var i = 0; i < left.Count; i++)
            {
                names[n++] = left.GetAt(i).Key;
            }
        }

        if (right is not null)
        {
            for (var i = 0; i < right.Count; i++)
            {
                var key = right.GetAt(i).Key;
                if (left is null || !left.ContainsKey(key))
                {
                    names[n++] = key;
                }
            }
        }

        Array.Sort(names, 0, n, StringComparer.Ordinal);
        return n == names.Length ? names : names[..n];
    }

    /// <summary>
    /// The elements of two lists by path element (a duplicate keeps the first, as <c>FieldSetBuilder.Index</c>),
    /// in FieldsV1 order; elements that compare equal keep their first-seen order.
    /// </summary>
    private static List<(PathElement Element, JsonNode? Left, bool HasLeft, JsonNode? Right, bool HasRight)> SortedElements(
        StructuralSchema? schema, ShapeKind kind, JsonArray? left, JsonArray? right)
    {
        var byElement = new Dictionary<PathElement, int>();
        var elements = new List<(PathElement Element, JsonNode? Left, bool HasLeft, JsonNode? Right, bool HasRight)>();
        foreach (var (element, value) in FieldShape.Elements(schema, kind, left))
        {
            if (byElement.TryAdd(element, elements.Count))
            {
                elements.Add((element, value, true, null, false));
            }
        }

        foreach (var (element, value) in FieldShape.Elements(schema, kind, right))
        {
            if (byElement.TryGetValue(element, out var at))
            {
                if (!elements[at].HasRight)
                {
                    elements[at] = elements[at] with { Right = value, HasRight = true };
                }
            }
            else
            {
                byElement[element] = elements.Count;
                elements.Add((element, null, false, value, true));
            }
        }

        var order = new int[elements.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            var byValue = elements[a].Element.CompareTo(elements[b].Element);
            return byValue != 0 ? byValue : a.CompareTo(b);
        });
        var sorted = new List<(PathElement, JsonNode?, bool, JsonNode?, bool)>(elements.Count);
        foreach (var i in order)
        {
            sorted.Add(elements[i]);
        }

        return sorted;
    }
}
