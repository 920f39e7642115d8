using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Schema;

namespace FakeApiServer.Registry.ManagedFields;

/// <summary>How server-side apply sees one node, as structured-merge-diff's schema atoms (scalar, struct, map, list).</summary>
internal enum ShapeKind
{
    /// <summary>A leaf: a scalar, or a value whose shape does not match its schema.</summary>
    Scalar,

    /// <summary>A list, map or struct that is owned and replaced whole (list-type atomic, map-type atomic).</summary>
    Atomic,

    /// <summary>An object with declared properties; a declared field is a "named field".</summary>
    Struct,

    /// <summary>An object with arbitrary keys, each owned separately; also objects without a schema.</summary>
    Map,

    /// <summary>A list-type map: elements are identified by their list-map-keys.</summary>
    AssociativeList,

    /// <summary>A list-type set: elements are identified by their value.</summary>
    SetList,
}

/// <summary>
/// Reads a <see cref="StructuralSchema"/> (or its absence) the way structured-merge-diff reads a type: no schema
/// means a granular map for objects and an atomic list for arrays (its "deduced" type).
/// </summary>
internal static class FieldShape
{
    /// <summary>
    /// Fields an empty Go object of k8s.io/api already serializes: value (not pointer) structs, as {}, and slices
    /// without omitempty, as null. kube-apiserver compares typed Go objects, so when the parent exists such a field
    /// is never "added" as a whole and its FieldsV1 entry has no ".": Update entries read <c>f:spec:{f:replicas:{}}</c>
    /// and <c>f:containers:{k:...}</c> but <c>f:labels:{".":{},"f:app":{}}</c>. Keyed by the parent's OpenAPI
    /// component name ("" for the root of any kind).
    /// </summary>
    private static readonly FrozenSet<string> AlwaysSerialized = FrozenSet.ToFrozenSet(
    [
        "/metadata", "/spec", "/status",
        "io.k8s.api.apps.v1.DeploymentSpec/template", "io.k8s.api.apps.v1.DeploymentSpec/strategy",
        "io.k8s.api.apps.v1.ReplicaSetSpec/template",
        "io.k8s.api.core.v1.PodTemplateSpec/metadata", "io.k8s.api.core.v1.PodTemplateSpec/spec",
        "io.k8s.api.core.v1.PodSpec/containers",
        "io.k8s.api.core.v1.Container/resources", "io.k8s.api.core.v1.EphemeralContainer/resources",
        "io.k8s.api.core.v1.ServiceStatus/loadBalancer",
        "io.k8s.api.core.v1.NodeStatus/daemonEndpoints", "io.k8s.api.core.v1.NodeStatus/nodeInfo",
        "io.k8s.api.core.v1.NodeDaemonEndpoints/kubeletEndpoint",
        "io.k8s.api.core.v1.ContainerStatus/state", "io.k8s.api.core.v1.ContainerStatus/lastState",
        "io.k8s.api.core.v1.Event/involvedObject", "io.k8s.api.core.v1.Event/source",
        "io.k8s.api.events.v1.Event/regarding", "io.k8s.api.events.v1.Event/deprecatedSource",
        "io.k8s.api.discovery.v1.EndpointSlice/endpoints",
        "io.k8s.api.discovery.v1.Endpoint/addresses", "io.k8s.api.discovery.v1.Endpoint/conditions",
    ], StringComparer.Ordinal);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> AlwaysSerializedByText = AlwaysSerialized.GetAlternateLookup<ReadOnlySpan<char>>();

    public static ShapeKind KindOf(StructuralSchema? schema, JsonNode? value)
    {
        if (schema is null || (schema.Type is null && !schema.IntOrString))
        {
            return value is JsonObject ? ShapeKind.Map : value is JsonArray ? ShapeKind.Atomic : ShapeKind.Scalar;
        }

        switch (schema.Type)
        {
            case "array" when value is JsonArray or null:
                return schema.ListType switch
                {
                    ListTypes.Map when schema.ListMapKeys.Count > 0 => ShapeKind.AssociativeList,
                    ListTypes.Set => ShapeKind.SetList,
                    _ => ShapeKind.Atomic,
                };
            case "object" when value is JsonObject or null:
                if (schema.MapType == MapTypes.Atomic)
                {
                    return ShapeKind.Atomic;
                }

                return schema.Properties.Count > 0 ? ShapeKind.Struct : ShapeKind.Map;
            default:
                return ShapeKind.Scalar;
        }
    }

    /// <summary>The schema of a field or map key below an object node (null: deduced).</summary>
    public static StructuralSchema? FieldSchema(StructuralSchema? schema, string name) =>
        schema is null ? null : schema.Property(name) ?? schema.AdditionalProperties;

    /// <summary>Whether <paramref name="name"/> is a declared field of a struct (upstream's "named field").</summary>
    public static bool IsNamedField(StructuralSchema? schema, string name) =>
        schema is not null && schema.Properties.ContainsKey(name) && schema.MapType != MapTypes.Atomic;

    /// <summary>
    /// What an empty Go object holds for an absent <paramref name="name"/> under <paramref name="parent"/>:
    /// {} for a value struct, null for a slice without omitempty; false when the field is really absent there.
    /// </summary>
    public static bool TryGoZeroValue(StructuralSchema? parent, string name, bool atRoot, out JsonNode? zero)
    {
        zero = null;
        if (parent is null || !IsAlwaysSerialized(atRoot ? "" : parent.ComponentName ?? "?", name))
        {
            return false;
        }

        if (parent.Property(name)?.Type == "object")
        {
            zero = new JsonObject();
        }

        return true;
    }

    /// <summary>Whether "component/name" is in <see cref="AlwaysSerialized"/>, without a string for the key (asked for every field compared).</summary>
    private static bool IsAlwaysSerialized(string component, string name)
    {
        var length = component.Length + 1 + name.Length;
        if (length > 256)
        {
            return AlwaysSerialized.Contains(component + "/" + name);
        }

        Span<char> key = stackalloc char[length];
        component.CopyTo(key);
        key[component.Length] = '/';
        name.CopyTo(key[(component.Length + 1)..]);
        return AlwaysSerializedByText.Contains(key);
    }

    /// <summary>
    /// Field <paramref name="name"/> on both sides of a comparison of two objects of kind <paramref name="kind"/>; when
    /// only one side has it and the other side's object exists, a struct's Go zero value (<see cref="TryGoZeroValue"/>)
    /// stands in for the missing one, as kube-apiserver compares typed Go objects.
    /// </summary>
    public static (JsonNode? Left, bool HasLeft, JsonNode? Right, bool HasRight) FieldSides(
        ShapeKind kind, StructuralSchema? schema, JsonObject? left, JsonObject? right, string name, bool atRoot)
    {
        JsonNode? l = null;
        JsonNode? r = null;
        var hasLeft = left is not null && left.TryGetPropertyValue(name, out l);
        var hasRight = right is not null && right.TryGetPropertyValue(name, out r);
        if (hasLeft != hasRight && kind == ShapeKind.Struct && (hasLeft ? right : left) is not null
            && TryGoZeroValue(schema, name, atRoot, out var zero))
        {
            return hasLeft ? (l, true, zero, true) : (zero, true, r, true);
        }

        return (l, hasLeft, r, hasRight);
    }

    /// <summary>
    /// The path element of a list element: its list-map-keys (a missing key field takes its schema default, as
    /// upstream keys <c>ports</c> by containerPort and protocol "TCP"), its value for a set, else its index.
    /// </summary>
    public static PathElement ElementOf(StructuralSchema? listSchema, ShapeKind kind, JsonNode? element, int index)
    {
        if (kind == ShapeKind.SetList)
        {
            return PathElement.OfValue(element?.DeepClone());
        }

        if (kind == ShapeKind.AssociativeList && element is JsonObject obj)
        {
            var keys = new List<KeyValuePair<string, JsonNode?>>();
            foreach (var key in listSchema!.ListMapKeys)
            {
                if (obj.TryGetPropertyValue(key, out var value) && value is not null)
                {
                    keys.Add(new(key, value.DeepClone()));
                }
                else if (listSchema.Items?.Property(key)?.Default is JsonElement fallback)
                {
                    keys.Add(new(key, JsonNode.Parse(fallback.GetRawText())));
                }
            }

            if (keys.Count > 0)
            {
                return PathElement.Key(keys);
            }
        }

        return PathElement.OfIndex(index);
    }

    /// <summary>The elements of a list with their path elements, in list order.</summary>
    public static IEnumerable<(PathElement Element, JsonNode? Value)> Elements(StructuralSchema? schema, ShapeKind kind, JsonArray? list)
    {
        if (list is null)
        {
            yield break;
        }

        for (var i = 0; i < list.Count; i++)
        {
            yield return (ElementOf(schema, kind, list[i], i), list[i]);
        }
    }

    /// <summary>Whether a JSON value is an empty object or list, or null (upstream keeps those as leaves).</summary>
    public static bool IsEmptyOrNull(JsonNode? value) => value switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        JsonValue v => v.GetValueKind() == JsonValueKind.Null,
        _ => false,
    };
}
