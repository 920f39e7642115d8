using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Schema;

namespace FakeApiServer.Api.OpenApi;

/// <summary>
/// The /openapi/v3 discovery root and one OpenAPI 3.0 document per served group/version. Every kind has a
/// schema with x-kubernetes-group-version-kind and a PATCH operation carrying that extension and the
/// fieldValidation parameter, which is how kubectl learns that the server validates fields (query_param_verifier_v3.go).
/// Each document is addressed by a content hash.
/// </summary>
/// <remarks>
/// A kind's schema is its structural schema (<see cref="ResourceStore.Schema"/>) with every named type it reaches,
/// as kube-apiserver publishes it: kubectl 1.30+ computes client-side apply's three-way strategic merge patch from
/// these schemas and warns "error calculating patch from openapi v3 spec: unable to find api field" for any field
/// of the live object they lack. A kind without a structural schema gets a loose one (preserve-unknown-fields).
/// The documents are built on the first request, so a server that is never asked pays nothing, and again (per changed
/// group/version, with new hashes) after the catalog changes.
/// </remarks>
internal sealed class OpenApiDocuments
{
    private readonly ResourceCatalog _catalog;
    private readonly string _gitVersion;
    private readonly Lock _lock = new();
    private Built? _built;
    private V2Built? _v2;

    public OpenApiDocuments(ResourceCatalog catalog, string gitVersion)
    {
        _catalog = catalog;
        _gitVersion = gitVersion;
    }

    /// <summary>The root: {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=..."}}}.</summary>
    public JsonObject Root()
    {
        var paths = new JsonObject();
        foreach (var (path, doc) in Documents().OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            paths[path] = new JsonObject { ["serverRelativeURL"] = "/openapi/v3/" + path + "?hash=" + doc.Hash };
        }

        return new JsonObject { ["paths"] = paths };
    }

    public (byte[] Json, string Hash)? Get(string path) => Documents().TryGetValue(path, out var doc) ? (doc.Json, doc.Hash) : null;

    /// <summary>
    /// The /openapi/v2 document of the catalog's current state, as JSON and as gnostic protobuf, with the ETag
    /// (the JSON's SHA-512 in hex, as kube-openapi computes it for both forms). Built on first use after each change.
    /// </summary>
    public (byte[] Json, byte[] Protobuf, string ETag) V2()
    {
        var version = _catalog.Current.Version;
        if (Volatile.Read(ref _v2) is { } cached && cached.Version == version)
        {
            return (cached.Json, cached.Protobuf, cached.ETag);
        }

        var documents = Documents();
        var v2 = OpenApiV2Document.Build(documents.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => ObjectJson.Parse(d.Value.Json)), _gitVersion);
        var json = ObjectJson.Serialize(v2);
        var built = new V2Built(version, json, OpenApiV2Protobuf.Encode(v2), Convert.ToHexString(SHA512.HashData(json)));
        Volatile.Write(ref _v2, built);
        return (built.Json, built.Protobuf, built.ETag);
    }

    /// <summary>
    /// The documents of the catalog's current state. When the catalog changed (a CRD came or went), only the group/versions
    /// whose registries changed are built again; the others keep their bytes and hashes.
    /// </summary>
    private Dictionary<string, GroupVersionDocument> Documents()
    {
        var snapshot = _catalog.Current;
        var built = Volatile.Read(ref _built);
        if (built is not null && built.Version == snapshot.Version)
        {
            return built.Documents;
        }

        lock (_lock)
        {
            built = _built;
            if (built is not null && built.Version == snapshot.Version)
            {
                return built.Documents;
            }

            var documents = new Dictionary<string, GroupVersionDocument>(StringComparer.Ordinal);
            foreach (var gv in snapshot.All.GroupBy(s => (s.Definition.Group, s.Definition.Version)))
            {
                var path = gv.Key.Group.Length == 0 ? "api/" + gv.Key.Version : "apis/" + gv.Key.Group + "/" + gv.Key.Version;
                var stores = gv.ToList();
                if (built is not null && built.Documents.TryGetValue(path, out var previous) && previous.Stores.SequenceEqual(stores))
                {
                    documents[path] = previous;
                    continue;
                }

                var json = ObjectJson.Serialize(Document(stores, _gitVersion));
                documents[path] = new GroupVersionDocument(stores, json, Convert.ToHexString(SHA512.HashData(json)));
            }

            Volatile.Write(ref _built, new Built(snapshot.Version, documents));
            return documents;
        }
    }

    /// <summary>One group/version's document and the registries it was built from.</summary>
    private sealed record GroupVersionDocument(IReadOnlyList<ResourceStore> Stores, byte[] Json, string Hash);

    /// <summary>The v2 document of one catalog version.</summary>
    private sealed record V2Built(long Version, byte[] Json, byte[] Protobuf, string ETag);

    /// <summary>The documents of one catalog version.</summary>
    private sealed record Built(long Version, Dictionary<string, GroupVersionDocument> Documents);

    /// <summary>The schema name upstream uses for a kind, e.g. io.k8s.api.apps.v1.Deployment.</summary>
    public static string SchemaName(ResourceDefinition d) =>
        "io.k8s.api." + (d.Group.Length == 0 ? "core" : d.Group.Split('.')[0]) + "." + d.Version + "." + d.Kind;

    private static JsonObject Document(IReadOnlyList<ResourceStore> stores, string gitVersion)
    {
        var kinds = new List<(ResourceDefinition Definition, StructuralSchema? Schema)>();
        foreach (var store in stores)
        {
            kinds.Add((store.Definition, store.Schema));
        }

        var structural = kinds.Where(k => k.Schema is not null).Select(k => (k.Schema!, k.Definition.Group, k.Definition.Version, k.Definition.Kind));
        var components = OpenApiSchemaWriter.Components(structural);
        var schemas = (JsonObject)components["schemas"]!;
        var paths = new JsonObject();
        foreach (var (d, schema) in kinds)
        {
            string schemaName;
            if (schema is not null)
            {
                schemaName = schema.ComponentName ?? OpenApiSchemaWriter.DefaultName(d.Group, d.Version, d.Kind);
            }
            else
            {
                schemaName = SchemaName(d);
                schemas[schemaName] = KindSchema(d);
                if (!schemas.ContainsKey(ObjectMetaSchemaName))
                {
                    schemas[ObjectMetaSchemaName] = ObjectMetaSchema();
                }
            }

            var prefix = (d.Group.Length == 0 ? "/api/" : "/apis/" + d.Group + "/") + d.Version;
            var collection = d.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{d.Plural}" : $"{prefix}/{d.Plural}";
            paths[collection] = new JsonObject
            {
                ["get"] = Operation("list", d, schemaName),
                ["post"] = Operation("post", d, schemaName),
                ["delete"] = Operation("deletecollection", d, schemaName),
            };
            paths[collection + "/{name}"] = new JsonObject
            {
                ["get"] = Operation("get", d, schemaName),
                ["put"] = Operation("put", d, schemaName),
                ["patch"] = Operation("patch", d, schemaName),
                ["delete"] = Operation("delete", d, schemaName),
            };
            // The subresources that read and write the object itself (status, approval, finalize), from their registration;
            // those with a kind of their own (scale, binding, eviction, the container streams) are not described yet.
            foreach (var (name, subresource) in d.Subresources.Where(s => s.Value.Kind is null).OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                var operations = new JsonObject();
                foreach (var (verb, method) in SubresourceMethods.Where(m => subresource.Verbs.ContainsKey(m.Verb)))
                {
                    operations[method] = Operation(method, d, schemaName);
                }

                paths[collection + "/{name}/" + name] = operations;
            }
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = gitVersion },
            ["paths"] = paths,
            ["components"] = components,
        };
    }

    private const string ObjectMetaSchemaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

    /// <summary>The HTTP method (and operation action) of each verb a subresource of the object's own kind serves, in upstream's order.</summary>
    private static readonly (string Verb, string Method)[] SubresourceMethods = [("get", "get"), ("update", "put"), ("patch", "patch")];

    private static JsonObject Operation(string action, ResourceDefinition d, string schemaName)
    {
        var parameters = new JsonArray();
        if (action is "post" or "put" or "patch")
        {
            parameters.Add(QueryParameter("dryRun", "When present, indicates that modifications should not be persisted."));
            parameters.Add(QueryParameter("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."));
            parameters.Add(QueryParameter("fieldValidation",
                "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict"));
        }

        if (action == "patch")
        {
            parameters.Add(QueryParameter("force", "Force is going to \"force\" Apply requests."));
        }

        var reference = new JsonObject { ["$ref"] = "#/components/schemas/" + schemaName };
        var op = new JsonObject
        {
            ["operationId"] = action + d.Kind,
            ["parameters"] = parameters,
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "OK",
                    ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = reference } },
                },
            },
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = d.Group, ["version"] = d.Version, ["kind"] = d.Kind },
        };
        if (action is "post" or "put" or "patch")
        {
            var content = new JsonObject();
            // Custom resources have no strategic merge patch (apiextensions' handler and OpenAPI builder leave it out):
            // kubectl's client-side apply reads this list to pick its patch type. Keys in Go's map order (sorted).
            var types = action != "patch" ? [MediaTypes.Json]
                : d.StrategicMergePatch ? new[] { MediaTypes.ApplyPatch, MediaTypes.JsonPatch, MediaTypes.MergePatch, MediaTypes.StrategicMergePatch }
                : [MediaTypes.ApplyPatch, MediaTypes.JsonPatch, MediaTypes.MergePatch];
            foreach (var type in types)
            {
                content[type] = new JsonObject { ["schema"] = action == "patch" ? new JsonObject { ["type"] = "object" } : reference.DeepClone() };
            }

            op["requestBody"] = new JsonObject { ["content"] = content, ["required"] = true };
        }

        return op;
    }

    private static JsonObject QueryParameter(string name, string description) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["description"] = description,
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };

    private static JsonObject KindSchema(ResourceDefinition d) => new()
    {
        ["description"] = $"{d.Kind} ({d.ApiVersion}).",
        ["type"] = "object",
        ["properties"] = new JsonObject
        {
            ["apiVersion"] = new JsonObject { ["description"] = "APIVersion defines the versioned schema of this representation of an object.", ["type"] = "string" },
            ["kind"] = new JsonObject { ["description"] = "Kind is a string value representing the REST resource this object represents.", ["type"] = "string" },
            ["metadata"] = new JsonObject
            {
                ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/components/schemas/" + ObjectMetaSchemaName }),
                ["default"] = new JsonObject(),
                ["description"] = "Standard object's metadata.",
            },
        },
        ["x-kubernetes-preserve-unknown-fields"] = true,
        ["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = d.Group, ["kind"] = d.Kind, ["version"] = d.Version }),
    };

    private static JsonObject ObjectMetaSchema()
    {
        JsonObject Str(string description) => new() { ["description"] = description, ["type"] = "string" };
        JsonObject StringMap(string description) => new()
        {
            ["description"] = description,
            ["type"] = "object",
            ["additionalProperties"] = new JsonObject { ["type"] = "string", ["default"] = "" },
        };
        return new JsonObject
        {
            ["description"] = "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["annotations"] = StringMap("Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata."),
                ["creationTimestamp"] = Str("CreationTimestamp is a timestamp representing the server time when this object was created."),
                ["deletionGracePeriodSeconds"] = new JsonObject { ["description"] = "Number of seconds allowed for this object to gracefully terminate before it will be removed from the system.", ["type"] = "integer", ["format"] = "int64" },
                ["deletionTimestamp"] = Str("DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted."),
                ["finalizers"] = new JsonObject
                {
                    ["description"] = "Must be empty before the object is deleted from the registry.",
                    ["type"] = "array",
                    ["items"] = new JsonObject { ["type"] = "string", ["default"] = "" },
                    ["x-kubernetes-list-type"] = "set",
                    ["x-kubernetes-patch-strategy"] = "merge",
                },
                ["generateName"] = Str("GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided."),
                ["generation"] = new JsonObject { ["description"] = "A sequence number representing a specific generation of the desired state.", ["type"] = "integer", ["format"] = "int64" },
                ["labels"] = StringMap("Map of string keys and values that can be used to organize and categorize (scope and select) objects."),
                ["managedFields"] = new JsonObject
                {
                    ["description"] = "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.",
                    ["type"] = "array",
                    ["items"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
                    ["x-kubernetes-list-type"] = "atomic",
                },
                ["name"] = Str("Name must be unique within a namespace."),
                ["namespace"] = Str("Namespace defines the space within which each name must be unique."),
                ["ownerReferences"] = new JsonObject
                {
                    ["description"] = "List of objects depended by this object.",
                    ["type"] = "array",
                    ["items"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
                    ["x-kubernetes-list-map-keys"] = new JsonArray("uid"),
                    ["x-kubernetes-list-type"] = "map",
                    ["x-kubernetes-patch-merge-key"] = "uid",
                    ["x-kubernetes-patch-strategy"] = "merge",
                },
                ["resourceVersion"] = Str("An opaque value that represents the internal version of this object."),
                ["selfLink"] = Str("Deprecated: selfLink is a legacy read-only field that is no longer populated by the system."),
                ["uid"] = Str("UID is the unique in time and space value for this object."),
            },
        };
    }
}
