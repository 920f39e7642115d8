using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Api.Subresources;
using FakeApiServer.Api.Tables;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Registry;

/// <summary>
/// Everything the server needs to serve one resource: names, scope, strategies, table printer, field
/// selectors and subresources. One registration line per resource in its group's file; discovery,
/// routes, OpenAPI and watch follow from it.
/// </summary>
internal sealed record ResourceDefinition(string Group, string Version, string Kind, string Plural, bool Namespaced)
{
    /// <summary>The verbs of a resource that supports everything.</summary>
    public static readonly IReadOnlyList<string> AllVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    private static readonly IReadOnlyDictionary<string, SubresourceHandler> NoSubresources = System.Collections.Frozen.FrozenDictionary<string, SubresourceHandler>.Empty;

    public string Singular { get; init; } = Kind.ToLowerInvariant();

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    public IReadOnlyList<string> Verbs { get; init; } = AllVerbs;

    public required IResourceStrategy Strategy { get; init; }

    /// <summary>
    /// The kind's scheme defaulting, applied by the registry to every incoming object (create, update, patch, apply)
    /// before admission and the strategy, as upstream's decoder does; null when the kind has no defaults.
    /// </summary>
    public IResourceDefaulter? Defaulter { get; init; }

    /// <summary>
    /// The subresources served under {resource}/{name}/{subresource}, by name (<see cref="Subresource"/> builds the
    /// built-in ones). The router serves only these (any other name is a 404), and discovery and OpenAPI list them.
    /// </summary>
    public IReadOnlyDictionary<string, SubresourceHandler> Subresources { get; init; } = NoSubresources;

    /// <summary>The /status subresource's strategy, or null when the kind has none.</summary>
    public IResourceStrategy? StatusStrategy => SubresourceStrategy("status");

    /// <summary>
    /// Whether this is core/v1 bindings, the legacy way to bind a pod: a create binds the pod the Binding names, as
    /// pods/binding does, and nothing is stored.
    /// </summary>
    public bool BindsPods { get; init; }

    /// <summary>Converts this served version from and to the stored one (autoscaling/v1 HPA), or null when they are the same.</summary>
    public IVersionConverter? Converter { get; init; }

    public ITablePrinter Table { get; init; } = new DefaultTablePrinter();

    /// <summary>Field selector labels beyond metadata.name and metadata.namespace, with how each reads an object.</summary>
    public IReadOnlyDictionary<string, Func<JsonObject, string?>> FieldSelectors { get; init; } =
        new Dictionary<string, Func<JsonObject, string?>>();

    /// <summary>How metadata.name is validated (upstream's per-kind ValidateNameFunc); DNS-1123 subdomain by default.</summary>
    public Func<string, IReadOnlyList<string>> NameValidator { get; init; } = NameValidation.IsDns1123Subdomain;

    /// <summary>Allocates range-backed values on create (service cluster IPs), or null.</summary>
    public IResourceAllocator? Allocator { get; init; }

    /// <summary>
    /// Whether a delete that removes the object answers with the object rather than a Success Status (upstream's
    /// ReturnDeletedObject: pods, services, persistent volumes and claims; the typed clients expect that body).
    /// </summary>
    public bool ReturnDeletedObject { get; init; }

    /// <summary>
    /// Whether application/strategic-merge-patch+json is served. Built-in kinds have the patch metadata it needs; custom
    /// resources do not (their schema has no merge keys), so upstream answers 415 for them even though they have a schema.
    /// </summary>
    public bool StrategicMergePatch { get; init; } = true;

    /// <summary>
    /// The apiVersion objects are stored at when it differs from this version's (several versions of one custom resource
    /// with conversion strategy None): writes store that apiVersion and reads show <see cref="ApiVersion"/>. Null when this
    /// version is the one stored, as for every built-in kind.
    /// </summary>
    public string? StorageApiVersion { get; init; }

    /// <summary>
    /// The apiVersion upstream's storage encodes this kind at when it is neither this version nor
    /// <see cref="StorageApiVersion"/> (events.k8s.io/v1 Events are stored as core v1 Events); only discovery's
    /// storageVersionHash reads it.
    /// </summary>
    public string? StorageEncodingApiVersion { get; init; }

    /// <summary>A custom resource (served from a CRD): decoded as unstructured, so a wrong kind is not a conversion error.</summary>
    public bool CustomResource { get; init; }

    /// <summary>
    /// Discovery's storageVersionHash, as upstream's StorageVersionHash: base64 of the first 8 bytes of the SHA-256 of
    /// "group/version/kind" of the version objects are stored at ("/v1/Pod" for pods).
    /// </summary>
    public string StorageVersionHash
    {
        get
        {
            var apiVersion = StorageEncodingApiVersion ?? StorageApiVersion ?? ApiVersion;
            var groupVersion = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion : "/" + apiVersion;
            var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(groupVersion + "/" + Kind));
            return Convert.ToBase64String(hash, 0, 8);
        }
    }

    /// <summary>The Warning every request to this version gets (a deprecated custom resource version), or null.</summary>
    public string? DeprecationWarning { get; init; }

    /// <summary>Work the registry does after a committed write (upstream's AfterCreate/AfterUpdate hooks), or null.</summary>
    public IResourceWriteHooks? Hooks { get; init; }

    /// <summary>
    /// A refusal of a DELETE of one named object before anything else is looked at (upstream's REST.Delete overrides:
    /// the system PriorityClasses), or null. Not applied to deletecollection, which upstream sends straight to the store.
    /// </summary>
    public Func<string, ApiException?>? DeleteRefusal { get; init; }

    /// <summary>Checks writes against their writer (RBAC roles and bindings: no escalation), or null.</summary>
    public IWriteAuthorization? WriteAuthorization { get; init; }

    /// <summary>
    /// The handler of a create-only resource that is never stored (the access reviews, SelfSubjectReview), or null. Such a
    /// resource serves only POST to its collection, which answers 201 with what the handler returns.
    /// </summary>
    public ICreateOnlyResource? CreateOnly { get; init; }

    /// <summary>
    /// The reads of a resource computed on each request and never stored (metrics.k8s.io), or null. Such a resource serves
    /// only get and list, from this.
    /// </summary>
    public IComputedResource? Computed { get; init; }

    /// <summary>Who registered this definition at runtime (the CRD's name), or null for the built-in kinds.</summary>
    public string? Owner { get; init; }

    /// <summary>The write strategy of a subresource that writes the object itself (status, finalize, approval), or null.</summary>
    public IResourceStrategy? SubresourceStrategy(string name) => Subresources.TryGetValue(name, out var handler) ? handler.Strategy : null;

    /// <summary>"v1" for the core group, "group/version" otherwise.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    public string ListKind => Kind + "List";

    public GroupResource GroupResource => new(Group, Plural);

    public GroupKind GroupKind => new(Group, Kind);

    /// <summary>The storage key prefix of every object of this resource.</summary>
    public string KeyPrefix => KeyPrefixOf(Group, Plural);

    /// <summary>The storage key prefix of a resource, shared by all its versions: "/{group or core}/{plural}/".</summary>
    public static string KeyPrefixOf(string group, string plural) => "/" + (group.Length == 0 ? "core" : group) + "/" + plural + "/";

    /// <summary>The storage key prefix of a namespace's objects (or all objects when <paramref name="ns"/> is empty).</summary>
    public string NamespacePrefix(string ns) => Namespaced && ns.Length > 0 ? KeyPrefix + ns + "/" : KeyPrefix;

    public string Key(string ns, string name) => Namespaced ? KeyPrefix + ns + "/" + name : KeyPrefix + name;

    /// <summary>
    /// Checks an incoming object's apiVersion and kind against this version (400 when they differ), or fills them in when
    /// both are missing, as upstream's decoder does for a body sent to a resource's path.
    /// </summary>
    public void CheckTypeMeta(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (obj.HasString("apiVersion", ApiVersion) && obj.HasString("kind", Kind))
        {
            // What almost every write sends: nothing to set or refuse.
            return;
        }

        var apiVersion = obj.GetString("apiVersion");
        var kind = obj.GetString("kind");
        if (string.IsNullOrEmpty(apiVersion) && string.IsNullOrEmpty(kind))
        {
            obj["apiVersion"] = ApiVersion;
            obj["kind"] = Kind;
        }
        else if (!CustomResource && !string.IsNullOrEmpty(kind) && kind != Kind)
        {
            // Upstream decodes the body as the kind it names, then fails to convert it to this resource's internal type.
            var version = string.IsNullOrEmpty(apiVersion) ? Version : apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..];
            throw ApiException.BadRequest(
                $"{kind} in version \"{version}\" cannot be handled as a {Kind}: converting ({version}.{kind}) to ({InternalPackage}.{Kind}): unknown conversion");
        }
        else if (apiVersion != ApiVersion)
        {
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({ApiVersion})");
        }
        else if (kind != Kind)
        {
            throw ApiException.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({Kind})");
        }
    }

    /// <summary>The Go package of upstream's internal type, as a conversion error names it: core for the core group (and events.k8s.io), else the group's first label.</summary>
    private string InternalPackage => Group is "" or "events.k8s.io" ? "core" : Group.Split('.')[0];

    /// <summary>Shows a stored object as this version: its apiVersion becomes <see cref="ApiVersion"/> (conversion None).</summary>
    public JsonObject ToServedVersion(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (Converter is { } converter)
        {
            return obj.GetString("apiVersion") == ApiVersion ? obj : converter.ToServed(obj);
        }

        if (StorageApiVersion is not null && obj.GetString("apiVersion") != ApiVersion)
        {
            obj["apiVersion"] = ApiVersion;
        }

        return obj;
    }

    /// <summary>Makes an object of this version ready to store: its apiVersion becomes the storage version's.</summary>
    /// <param name="obj">The object as this version serves it.</param>
    /// <param name="stored">The stored object an update replaces, or null.</param>
    public JsonObject ToStorageVersion(JsonObject obj, JsonObject? stored = null)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (Converter is { } converter)
        {
            return obj.GetString("apiVersion") == ApiVersion ? converter.ToStorage(obj, stored) : obj;
        }

        if (StorageApiVersion is { } storage)
        {
            obj["apiVersion"] = storage;
        }

        return obj;
    }

    /// <summary>Whether this version serves the stored bytes as they are (it is the storage version).</summary>
    public bool ServesStoredBytes => StorageApiVersion is null && Converter is null;

    /// <summary>The stored bytes as this version serves them (unchanged unless this is not the storage version).</summary>
    public byte[] ServedBytes(byte[] stored) =>
        ServesStoredBytes ? stored : ObjectJson.Serialize(ToServedVersion(ObjectJson.Parse(stored)));

    /// <summary>Reads a field selector label of an object, or null when the label is not supported by this kind.</summary>
    public Func<JsonObject, string?>? FieldSelector(string label) => label switch
    {
        "metadata.name" => o => o.Name(),
        "metadata.namespace" => o => o.Namespace(),
        _ => FieldSelectors.TryGetValue(label, out var f) ? f : null,
    };
}

/// <summary>Where a kind keeps what autoscaling/v1 Scale shows (the CRD scale subresource's paths).</summary>
/// <param name="SpecReplicasPath">Where the desired replicas are, e.g. .spec.replicas.</param>
/// <param name="StatusReplicasPath">Where the observed replicas are, e.g. .status.replicas.</param>
/// <param name="LabelSelectorPath">Where the serialized label selector is (a string), or null.</param>
/// <param name="SpecSelectorFallback">
/// Whether an object without a value at <paramref name="LabelSelectorPath"/> shows its spec.selector instead (the built-in
/// workloads, which compute status.selector from it); custom resources show only what the path holds.
/// </param>
/// <param name="SpecSelectorIsMap">Whether spec.selector is a plain label map (replication controllers) rather than a metav1.LabelSelector.</param>
internal sealed record ScaleSubresource(
    string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath, bool SpecSelectorFallback = true, bool SpecSelectorIsMap = false);
