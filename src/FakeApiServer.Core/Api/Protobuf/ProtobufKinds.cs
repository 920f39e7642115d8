using System.Collections.Frozen;

namespace FakeApiServer.Api.Protobuf;

/// <summary>
/// apiVersion + kind → top-level message, derived from messages.tsv (each message's Go package gives its group and
/// version) plus apimachinery's registrations: the options kinds and WatchEvent in every group/version, the unversioned
/// kinds (Status, APIVersions, APIGroup(List), APIResourceList) under any apiVersion, and meta.k8s.io's
/// PartialObjectMetadata(List) and TableOptions.
/// </summary>
internal sealed class ProtobufKinds
{
    /// <summary>
    /// The group of each API package (k8s.io/api/&lt;package&gt;/&lt;version&gt;), as its register.go GroupName says.
    /// A package missing here fails the codec's construction, so a new table cannot silently lose a group.
    /// </summary>
    private static readonly FrozenDictionary<string, string> GroupOfPackage = new Dictionary<string, string>
    {
        ["core"] = "",
        ["admission"] = "admission.k8s.io",
        ["admissionregistration"] = "admissionregistration.k8s.io",
        ["apidiscovery"] = "apidiscovery.k8s.io",
        ["apiserverinternal"] = "internal.apiserver.k8s.io",
        ["apps"] = "apps",
        ["authentication"] = "authentication.k8s.io",
        ["authorization"] = "authorization.k8s.io",
        ["autoscaling"] = "autoscaling",
        ["batch"] = "batch",
        ["certificates"] = "certificates.k8s.io",
        ["coordination"] = "coordination.k8s.io",
        ["discovery"] = "discovery.k8s.io",
        ["events"] = "events.k8s.io",
        ["extensions"] = "extensions",
        ["flowcontrol"] = "flowcontrol.apiserver.k8s.io",
        ["imagepolicy"] = "imagepolicy.k8s.io",
        ["networking"] = "networking.k8s.io",
        ["node"] = "node.k8s.io",
        ["policy"] = "policy",
        ["rbac"] = "rbac.authorization.k8s.io",
        ["resource"] = "resource.k8s.io",
        ["scheduling"] = "scheduling.k8s.io",
        ["storage"] = "storage.k8s.io",
        ["storagemigration"] = "storagemigration.k8s.io",
        ["apiextensions"] = "apiextensions.k8s.io",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private const string MetaPackage = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    private const string MetaGroup = "meta.k8s.io";

    /// <summary>Kinds apimachinery registers under every group/version (AddToGroupVersion) or as unversioned.</summary>
    private static readonly string[] AnyVersionMetaKinds =
    [
        "WatchEvent", "ListOptions", "GetOptions", "DeleteOptions", "CreateOptions", "UpdateOptions", "PatchOptions",
        "Status", "APIVersions", "APIGroupList", "APIGroup", "APIResourceList",
    ];

    private readonly FrozenDictionary<(string ApiVersion, string Kind), ProtobufMessage> _byVersionAndKind;
    private readonly FrozenDictionary<string, ProtobufMessage> _anyVersion;

    public ProtobufKinds(ProtobufSchema schema)
    {
        var byVersionAndKind = new Dictionary<(string, string), ProtobufMessage>();
        foreach (var message in schema.Messages.Values)
        {
            if (message.TopLevelKind && ApiVersionOf(message.GoPackage) is { } apiVersion)
            {
                byVersionAndKind.Add((apiVersion, message.Name), message);
            }
        }

        // meta.k8s.io: v1 PartialObjectMetadata(List) and TableOptions; v1beta1 has its own PartialObjectMetadataList
        // (items = 1, metadata = 2) and reuses the v1 types for the others, as meta/v1beta1/register.go does.
        foreach (var kind in new[] { "PartialObjectMetadata", "PartialObjectMetadataList", "TableOptions" })
        {
            byVersionAndKind[(MetaGroup + "/v1", kind)] = schema[MetaPackage + kind];
            byVersionAndKind.TryAdd((MetaGroup + "/v1beta1", kind), schema[MetaPackage + kind]);
        }

        byVersionAndKind[(MetaGroup + "/v1beta1", "PartialObjectMetadataList")] =
            schema["k8s.io.apimachinery.pkg.apis.meta.v1beta1.PartialObjectMetadataList"];

        _byVersionAndKind = byVersionAndKind.ToFrozenDictionary();
        _anyVersion = AnyVersionMetaKinds.ToFrozenDictionary(kind => kind, kind => schema[MetaPackage + kind], StringComparer.Ordinal);
    }

    /// <summary>Every apiVersion/kind pair with its own registration (not the any-version meta kinds).</summary>
    public IEnumerable<(string ApiVersion, string Kind, ProtobufMessage Message)> All =>
        _byVersionAndKind.Select(entry => (entry.Key.ApiVersion, entry.Key.Kind, entry.Value));

    /// <summary>The top-level message of apiVersion/kind, or null when the kind has no protobuf form (custom resources, Table).</summary>
    public ProtobufMessage? Find(string apiVersion, string kind) =>
        _byVersionAndKind.TryGetValue((apiVersion, kind), out var message) ? message : _anyVersion.GetValueOrDefault(kind);

    /// <summary>
    /// "v1" for k8s.io/api/core/v1, "apps/v1" for k8s.io/api/apps/v1, "apiextensions.k8s.io/v1" for apiextensions;
    /// null for apimachinery's packages, registered separately.
    /// </summary>
    internal static string? ApiVersionOf(string goPackage)
    {
        var parts = goPackage.Split('/');
        string package;
        if (goPackage.StartsWith("k8s.io/api/", StringComparison.Ordinal) && parts.Length == 4)
        {
            package = parts[2];
        }
        else if (goPackage.StartsWith("k8s.io/apiextensions-apiserver/pkg/apis/", StringComparison.Ordinal) && parts.Length == 6)
        {
            package = parts[4];
        }
        else
        {
            return null;
        }

        var group = GroupOfPackage.TryGetValue(package, out var name)
            ? name
            : throw new InvalidOperationException($"protobuf table: no API group known for Go package {goPackage}");
        return group.Length == 0 ? parts[^1] : group + "/" + parts[^1];
    }
}
