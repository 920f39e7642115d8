using System.Text.Json.Nodes;
using FakeApiServer.Api;
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

    public string Singular { get; init; } = Kind.ToLowerInvariant();

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    public IReadOnlyList<string> Categories { get; init; } = [];

    public IReadOnlyList<string> Verbs { get; init; } = AllVerbs;

    public required IResourceStrategy Strategy { get; init; }

    /// <summary>The /status subresource's strategy, or null when the kind has none.</summary>
    public IResourceStrategy? StatusStrategy { get; init; }

    /// <summary>The /finalize subresource's strategy (namespaces only), or null.</summary>
    public IResourceStrategy? FinalizeStrategy { get; init; }

    public ITablePrinter Table { get; init; } = new DefaultTablePrinter();

    /// <summary>Field selector labels beyond metadata.name and metadata.namespace, with how each reads an object.</summary>
    public IReadOnlyDictionary<string, Func<JsonObject, string?>> FieldSelectors { get; init; } =
        new Dictionary<string, Func<JsonObject, string?>>();

    /// <summary>How metadata.name is validated (upstream's per-kind ValidateNameFunc); DNS-1123 subdomain by default.</summary>
    public Func<string, IReadOnlyList<string>> NameValidator { get; init; } = NameValidation.IsDns1123Subdomain;

    /// <summary>Allocates range-backed values on create (service cluster IPs), or null.</summary>
    public IResourceAllocator? Allocator { get; init; }

    /// <summary>The /scale subresource, or null.</summary>
    public ScaleSubresource? Scale { get; init; }

    /// <summary>Whether pods/binding is served (pods only).</summary>
    public bool HasBinding { get; init; }

    /// <summary>"v1" for the core group, "group/version" otherwise.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    public string ListKind => Kind + "List";

    public GroupResource GroupResource => new(Group, Plural);

    public GroupKind GroupKind => new(Group, Kind);

    /// <summary>The storage key prefix of every object of this resource.</summary>
    public string KeyPrefix => "/" + (Group.Length == 0 ? "core" : Group) + "/" + Plural + "/";

    /// <summary>The storage key prefix of a namespace's objects (or all objects when <paramref name="ns"/> is empty).</summary>
    public string NamespacePrefix(string ns) => Namespaced && ns.Length > 0 ? KeyPrefix + ns + "/" : KeyPrefix;

    public string Key(string ns, string name) => Namespaced ? KeyPrefix + ns + "/" + name : KeyPrefix + name;

    /// <summary>Reads a field selector label of an object, or null when the label is not supported by this kind.</summary>
    public Func<JsonObject, string?>? FieldSelector(string label) => label switch
    {
        "metadata.name" => o => o.Name(),
        "metadata.namespace" => o => o.Namespace(),
        _ => FieldSelectors.TryGetValue(label, out var f) ? f : null,
    };
}

/// <summary>Where a kind keeps what autoscaling/v1 Scale shows (the CRD scale subresource's paths).</summary>
internal sealed record ScaleSubresource(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);
