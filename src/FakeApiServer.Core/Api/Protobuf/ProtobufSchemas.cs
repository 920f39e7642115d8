namespace FakeApiServer.Api.Protobuf;

/// <summary>How one protobuf field maps to JSON.</summary>
internal enum ProtobufFieldType
{
    String,
    Bool,
    Int64,
    Message,
    StringMap,

    /// <summary>map&lt;string, ExtraValue&gt; as authorization's extra: a map of string lists.</summary>
    StringListMap,
}

/// <summary>One field of a message: its JSON name, type, nested message and whether it repeats.</summary>
internal sealed record ProtobufField(string Name, ProtobufFieldType Type, string? Message = null, bool Repeated = false);

/// <summary>
/// The generated.proto field numbers of the kinds whose request bodies kubectl's typed clients send as protobuf and the
/// server decodes: the access reviews, SelfSubjectReview and the RBAC kinds (kubectl auth, kubectl create role...).
/// Fields not listed are skipped.
/// </summary>
internal static class ProtobufSchemas
{
    private static readonly ProtobufField[] NoFields = [];

    /// <summary>Message name → field number → field.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<int, ProtobufField>> Messages = new Dictionary<string, IReadOnlyDictionary<int, ProtobufField>>
    {
        ["ObjectMeta"] = Fields(
            (1, S("name")), (2, S("generateName")), (3, S("namespace")), (5, S("uid")), (6, S("resourceVersion")),
            (11, new("labels", ProtobufFieldType.StringMap)), (12, new("annotations", ProtobufFieldType.StringMap))),
        ["SubjectAccessReview"] = Fields((1, M("metadata", "ObjectMeta")), (2, M("spec", "SubjectAccessReviewSpec"))),
        ["SubjectAccessReviewSpec"] = Fields(
            (1, M("resourceAttributes", "ResourceAttributes")), (2, M("nonResourceAttributes", "NonResourceAttributes")), (3, S("user")),
            (4, new("groups", ProtobufFieldType.String, Repeated: true)), (5, new("extra", ProtobufFieldType.StringListMap)), (6, S("uid"))),
        ["SelfSubjectAccessReview"] = Fields((1, M("metadata", "ObjectMeta")), (2, M("spec", "SelfSubjectAccessReviewSpec"))),
        ["SelfSubjectAccessReviewSpec"] = Fields((1, M("resourceAttributes", "ResourceAttributes")), (2, M("nonResourceAttributes", "NonResourceAttributes"))),
        ["ResourceAttributes"] = Fields(
            (1, S("namespace")), (2, S("verb")), (3, S("group")), (4, S("version")), (5, S("resource")), (6, S("subresource")), (7, S("name"))),
        ["NonResourceAttributes"] = Fields((1, S("path")), (2, S("verb"))),
        ["SelfSubjectRulesReview"] = Fields((1, M("metadata", "ObjectMeta")), (2, M("spec", "SelfSubjectRulesReviewSpec"))),
        ["SelfSubjectRulesReviewSpec"] = Fields((1, S("namespace"))),
        ["SelfSubjectReview"] = Fields((1, M("metadata", "ObjectMeta"))),
        ["Role"] = Fields((1, M("metadata", "ObjectMeta")), (2, new("rules", ProtobufFieldType.Message, "PolicyRule", Repeated: true))),
        ["ClusterRole"] = Fields(
            (1, M("metadata", "ObjectMeta")), (2, new("rules", ProtobufFieldType.Message, "PolicyRule", Repeated: true)),
            (3, M("aggregationRule", "AggregationRule"))),
        ["PolicyRule"] = Fields(
            (1, new("verbs", ProtobufFieldType.String, Repeated: true)), (2, new("apiGroups", ProtobufFieldType.String, Repeated: true)),
            (3, new("resources", ProtobufFieldType.String, Repeated: true)), (4, new("resourceNames", ProtobufFieldType.String, Repeated: true)),
            (5, new("nonResourceURLs", ProtobufFieldType.String, Repeated: true))),
        ["AggregationRule"] = Fields((1, new("clusterRoleSelectors", ProtobufFieldType.Message, "LabelSelector", Repeated: true))),
        ["LabelSelector"] = Fields(
            (1, new("matchLabels", ProtobufFieldType.StringMap)),
            (2, new("matchExpressions", ProtobufFieldType.Message, "LabelSelectorRequirement", Repeated: true))),
        ["LabelSelectorRequirement"] = Fields((1, S("key")), (2, S("operator")), (3, new("values", ProtobufFieldType.String, Repeated: true))),
        ["RoleBinding"] = Fields(
            (1, M("metadata", "ObjectMeta")), (2, new("subjects", ProtobufFieldType.Message, "Subject", Repeated: true)), (3, M("roleRef", "RoleRef"))),
        ["ClusterRoleBinding"] = Fields(
            (1, M("metadata", "ObjectMeta")), (2, new("subjects", ProtobufFieldType.Message, "Subject", Repeated: true)), (3, M("roleRef", "RoleRef"))),
        ["Subject"] = Fields((1, S("kind")), (2, S("apiGroup")), (3, S("name")), (4, S("namespace"))),
        ["RoleRef"] = Fields((1, S("apiGroup")), (2, S("kind")), (3, S("name"))),
    };

    /// <summary>The top-level message of an apiVersion and kind, or null when its protobuf form is not decoded.</summary>
    public static string? MessageFor(string apiVersion, string kind) => (apiVersion, kind) switch
    {
        ("authorization.k8s.io/v1", "SubjectAccessReview" or "LocalSubjectAccessReview") => "SubjectAccessReview",
        ("authorization.k8s.io/v1", "SelfSubjectAccessReview" or "SelfSubjectRulesReview") => kind,
        ("authentication.k8s.io/v1" or "authentication.k8s.io/v1beta1", "SelfSubjectReview") => kind,
        ("rbac.authorization.k8s.io/v1", "Role" or "ClusterRole" or "RoleBinding" or "ClusterRoleBinding") => kind,
        _ => null,
    };

    private static ProtobufField S(string name) => new(name, ProtobufFieldType.String);

    private static ProtobufField M(string name, string message) => new(name, ProtobufFieldType.Message, message);

    private static Dictionary<int, ProtobufField> Fields(params (int Number, ProtobufField Field)[] fields) =>
        fields.Length == 0 ? NoFields.ToDictionary(f => 0) : fields.ToDictionary(f => f.Number, f => f.Field);
}
