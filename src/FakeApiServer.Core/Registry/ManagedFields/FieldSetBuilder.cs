using System.Text.Json.Nodes;
using FakeApiServer.Schema;

namespace FakeApiServer.Registry.ManagedFields;

/// <summary>What changed between two versions of an object, as structured-merge-diff's typed.Comparison.</summary>
internal sealed record Comparison(FieldSet Added, FieldSet Modified, FieldSet Removed)
{
    /// <summary>The fields an update sets: modified or added.</summary>
    public FieldSet Changed => Modified.Union(Added);

    public bool IsSame => Added.IsEmpty && Modified.IsEmpty && Removed.IsEmpty;
}

/// <summary>
/// The field set of an object under a schema (upstream's TypedValue.ToFieldSet) and the comparison of two objects
/// (TypedValue.Compare). Leaves are scalars and atomic lists, maps and structs; list-map elements are keyed by
/// their list-map-keys and set elements by their value, each element also being a member itself.
/// </summary>
internal static class FieldSetBuilder
{
    /// <summary>
    /// The set of <paramref name="value"/>: every leaf, every list element, and every map key that is not a declared
    /// struct field; null and empty-object values are leaves (upstream's toFieldSetWalker).
    /// </summary>
    public static FieldSet ToFieldSet(JsonNode? value, StructuralSchema? schema)
    {
        var set = new FieldSet();
        Walk(value, schema, FieldPath.Root, set);
        return set;
    }

    /// <summary>
    /// Compares two objects field by field. A whole object or list that appears (or disappears) is itself added (or
    /// removed), besides its content, except the fields of <see cref="FieldShape.TryGoZeroValue"/>, which an empty
    /// object already has; two absent-or-empty values compare as leaves. A create compares with an empty object.
    /// </summary>
    /// <param name="lhs">The old object.</param>
    /// <param name="rhs">The new object.</param>
    /// <param name="schema">The kind's schema.</param>
    /// <param name="withoutManagedFields">Compare as if neither side had metadata.managedFields (without copying them to remove it).</param>
    public static Comparison Compare(JsonNode? lhs, JsonNode? rhs, StructuralSchema? schema, bool withoutManagedFields = false)
    {
        var result = new Comparison(new FieldSet(), new FieldSet(), new FieldSet());
        CompareNode(lhs, lhs is not null, rhs, rhs is not null, schema, new PathStack(), result, withoutManagedFields ? Skip.Root : Skip.None);
        return result;
    }

    /// <summary>Where a comparison without metadata.managedFields is: at the root, at the root's metadata, or elsewhere.</summary>
    private enum Skip
    {
        None,
        Root,
        Metadata,
    }

    private const string ManagedFieldsName = "managedFields";

    /// <summary>The set plus every declared struct field on its paths as a member (upstream's EnsureNamedFieldsAreMembers).</summary>
    public static FieldSet WithNamedFieldsAsMembers(FieldSet set, StructuralSchema? schema)
    {
        var result = new FieldSet();
        foreach (var path in set.Paths())
        {
            result.Insert(path);
            var current = schema;
            for (var i = 0; i < path.Count - 1; i++)
            {
                var element = path.Elements[i];
                if (element.Kind == PathElementKind.Field)
                {
                    if (FieldShape.IsNamedField(current, element.Name!))
                    {
                        result.Insert(FieldPath.Of(path.Elements.Take(i + 1)));
                    }

                    current = FieldShape.FieldSchema(current, element.Name!);
                }
                else
                {
                    current = current?.Items;
                }
            }
        }

        return result;
    }

    private static void Walk(JsonNode? value, StructuralSchema? schema, FieldPath path, FieldSet set)
    {
        var kind = FieldShape.KindOf(schema, value);
        switch (kind)
        {
            case ShapeKind.Struct or ShapeKind.Map when value is JsonObject obj:
                for (var i = 0; i < obj.Count; i++)
                {
                    var (name, child) = obj.GetAt(i);
                    var childPath = path.Append(PathElement.Field(name));
                    Walk(child, FieldShape.FieldSchema(schema, name), childPath, set);
                    if (child is null || child is JsonObject { Count: 0 } || !FieldShape.IsNamedField(kind == ShapeKind.Struct ? schema : null, name))
                    {
                        set.Insert(childPath);
                    }
                }

                break;
            case ShapeKind.AssociativeList or ShapeKind.SetList when value is JsonArray list:
                foreach (var (element, child) in FieldShape.Elements(schema, kind, list))
                {
                    var childPath = path.Append(element);
                    Walk(child, schema!.Items, childPath, set);
                    set.Insert(childPath);
                }

                break;
            case ShapeKind.Struct or ShapeKind.Map or ShapeKind.AssociativeList or ShapeKind.SetList:
                break;
            default:
                set.Insert(path);
                break;
        }
    }

    /// <summary>
    /// The path of the node being compared, as a stack of field names (strings) and list elements (<see cref="PathElement"/>):
    /// a <see cref="FieldPath"/> (and the field's <see cref="PathElement"/>) is only built for a path that goes into the result.
    /// </summary>
    private sealed class PathStack
    {
        private readonly List<object> _elements = [];

        public int Count => _elements.Count;

        public void Push(object element) => _elements.Add(element);

        public void Pop() => _elements.RemoveAt(_elements.Count - 1);

        public FieldPath ToPath()
        {
            var elements = new PathElement[_elements.Count];
            for (var i = 0; i < elements.Length; i++)
            {
                elements[i] = _elements[i] as PathElement ?? PathElement.Field((string)_elements[i]);
            }

            return FieldPath.Of(elements);
        }
    }

    private static void CompareNode(JsonNode? lhs, bool lhsPresent, JsonNode? rhs, bool rhsPresent, StructuralSchema? schema, PathStack path, Comparison result,
        Skip skip = Skip.None)
    {
        if (!lhsPresent && !rhsPresent)
        {
            return;
        }

        if (skip != Skip.None && !SkipsInPlace(lhs, lhsPresent, rhs, rhsPresent, schema, skip))
        {
            // The node is not walked field by field, or is empty but for managedFields: compare copies without
            // them, as the comparison always did (rare, so copying is fine).
            CompareNode(Without(lhs, skip), lhsPresent, Without(rhs, skip), rhsPresent, schema, path, result);
            return;
        }

        var kind = FieldShape.KindOf(schema, rhsPresent ? rhs : lhs);
        if (lhsPresent && rhsPresent && FieldShape.KindOf(schema, lhs) != kind)
        {
            result.Modified.Insert(path.ToPath());
            return;
        }

        var bothEmpty = (!lhsPresent || FieldShape.IsEmptyOrNull(lhs)) && (!rhsPresent || FieldShape.IsEmptyOrNull(rhs));
        if (kind is ShapeKind.Scalar or ShapeKind.Atomic || bothEmpty)
        {
            if (!lhsPresent)
            {
                result.Added.Insert(path.ToPath());
            }
            else if (!rhsPresent)
            {
                result.Removed.Insert(path.ToPath());
            }
            else if (!JsonNode.DeepEquals(lhs, rhs))
            {
                result.Modified.Insert(path.ToPath());
            }

            return;
        }

        if (!lhsPresent)
        {
            result.Added.Insert(path.ToPath());
        }
        else if (!rhsPresent)
        {
            result.Removed.Insert(path.ToPath());
        }

        if (kind is ShapeKind.Struct or ShapeKind.Map)
        {
            var left = lhs as JsonObject;
            var right = rhs as JsonObject;

            // The names of the left side in order, then those only on the right (as Union of the two did).
            if (left is not null)
            {
                for (var i = 0; i < left.Count; i++)
                {
                    CompareField(left.GetAt(i).Key);
                }
            }

            if (right is not null)
            {
                for (var i = 0; i < right.Count; i++)
                {
                    var key = right.GetAt(i).Key;
                    if (left is null || !left.ContainsKey(key))
                    {
                        CompareField(key);
                    }
                }
            }

            return;
        }

        var leftElements = Index(schema, kind, lhs as JsonArray);
        var rightElements = Index(schema, kind, rhs as JsonArray);
        foreach (var element in leftElements.Keys.Union(rightElements.Keys))
        {
            var hasLeft = leftElements.TryGetValue(element, out var l);
            var hasRight = rightElements.TryGetValue(element, out var r);
            path.Push(element);
            CompareNode(l, hasLeft, r, hasRight, schema!.Items, path, result);
            path.Pop();
        }

        void CompareField(string name)
        {
            if (skip == Skip.Metadata && name == ManagedFieldsName)
            {
                return;
            }

            // The side whose object exists may lack a field its Go type always has: that zero value stands in.
            var (l, hasLeft, r, hasRight) = FieldShape.FieldSides(kind, schema, lhs as JsonObject, rhs as JsonObject, name, path.Count == 0);
            path.Push(name);
            CompareNode(l, hasLeft, r, hasRight, FieldShape.FieldSchema(schema, name), path, result,
                skip == Skip.Root && name == "metadata" ? Skip.Metadata : Skip.None);
            path.Pop();
        }
    }

    /// <summary>
    /// Whether leaving out metadata.managedFields while walking this node's fields compares as removing it first
    /// would: both sides absent or objects walked field by field, and (for metadata) not both empty without it.
    /// </summary>
    private static bool SkipsInPlace(JsonNode? lhs, bool lhsPresent, JsonNode? rhs, bool rhsPresent, StructuralSchema? schema, Skip skip)
    {
        if ((lhsPresent && lhs is not JsonObject) || (rhsPresent && rhs is not JsonObject)
            || FieldShape.KindOf(schema, rhsPresent ? rhs : lhs) is not (ShapeKind.Struct or ShapeKind.Map))
        {
            return false;
        }

        return skip == Skip.Root || HasFieldsBesideManagedFields(lhs) || HasFieldsBesideManagedFields(rhs);
    }

    private static bool HasFieldsBesideManagedFields(JsonNode? node) =>
        node is JsonObject obj && obj.Count > (obj.ContainsKey(ManagedFieldsName) ? 1 : 0);

    /// <summary>A copy of the root (or of its metadata) without metadata.managedFields; the node itself when it has none.</summary>
    private static JsonNode? Without(JsonNode? node, Skip skip)
    {
        var metadata = skip == Skip.Root ? (node as JsonObject)?["metadata"] as JsonObject : node as JsonObject;
        if (metadata is null || !metadata.ContainsKey(ManagedFieldsName))
        {
            return node;
        }

        var copy = (JsonObject)node!.DeepClone();
        ((skip == Skip.Root ? copy["metadata"] : copy) as JsonObject)!.Remove(ManagedFieldsName);
        return copy;
    }

    /// <summary>List elements by path element; a duplicate keeps the first, as upstream's observed map does.</summary>
    private static Dictionary<PathElement, JsonNode?> Index(StructuralSchema? schema, ShapeKind kind, JsonArray? list)
    {
        var index = new Dictionary<PathElement, JsonNode?>();
        foreach (var (element, value) in FieldShape.Elements(schema, kind, list))
        {
            index.TryAdd(element, value);
        }

        return index;
    }
}
