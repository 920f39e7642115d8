using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Api.Subresources;
using FakeApiServer.Api.Verbs;
using FakeApiServer.Registry;
using FakeApiServer.Security.ServiceAccounts;

namespace FakeApiServer.Apis.Core.ServiceAccounts;

/// <summary>
/// serviceaccounts/token (pkg/registry/core/serviceaccount/storage/token.go): a TokenRequest for an existing service
/// account answers a signed token for it. The audiences default to the server's, the lifetime to an hour (at least 10
/// minutes, at most 2^32 seconds); spec.boundObjectRef binds the token to a pod (running as this service account), a
/// secret or a node, which must exist with the uid the reference names. A pod-bound token for the server's audiences
/// asked for with kubelet's 3607 seconds lives a year and warns after the 3607 seconds (--service-account-extend-token-expiration).
/// </summary>
internal sealed class ServiceAccountTokenRequest(ServiceAccountIssuer issuer)
{
    public const string ApiVersion = "authentication.k8s.io/v1";

    public const string Kind = "TokenRequest";

    /// <summary>The lifetime of a token that names none (SetDefaults_TokenRequestSpec).</summary>
    private const long DefaultExpirationSeconds = 60 * 60;

    /// <summary>upstream's MinTokenAgeSec.</summary>
    private const long MinExpirationSeconds = 10 * 60;

    private static readonly GroupKind TokenRequestKind = new("authentication.k8s.io", Kind);

    /// <summary>The serviceaccounts/token subresource: POST (create) of a TokenRequest.</summary>
    public static SubresourceHandler Subresource(ServiceAccountIssuer issuer)
    {
        var tokens = new ServiceAccountTokenRequest(issuer);
        return new SubresourceHandler
        {
            Kind = new GroupVersionKind("authentication.k8s.io", "v1", Kind),
            Verbs = new Dictionary<string, SubresourceVerb> { ["create"] = (context, request) => TokenRequestVerb.HandleAsync(context, request, tokens) },
        };
    }

    /// <summary>Answers the TokenRequest <paramref name="request"/> for service account <paramref name="name"/> in <paramref name="ns"/>.</summary>
    public JsonObject Create(ResourceCatalog catalog, string ns, string name, JsonObject request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(request);
        var metadata = request.Metadata();
        if (metadata.GetString("name") is { Length: > 0 } bodyName && bodyName != name)
        {
            throw ApiException.Invalid(TokenRequestKind, name, [FieldError.Invalid("metadata.name", bodyName, "must match the service account name if specified")]);
        }

        if (metadata.GetString("namespace") is { Length: > 0 } bodyNamespace && bodyNamespace != ns)
        {
            throw ApiException.Invalid(TokenRequestKind, name, [FieldError.Invalid("metadata.namespace", bodyNamespace, "must match the service account namespace if specified")]);
        }

        var serviceAccount = Read(catalog, "serviceaccounts", ns, name);
        var spec = request.ChildObject("spec");
        if (spec["audiences"] is not JsonArray { Count: > 0 })
        {
            spec["audiences"] = new JsonArray([.. issuer.ApiAudiences.Select(a => (JsonNode?)JsonValue.Create(a))]);
        }

        var audiences = spec["audiences"]!.AsArray().Select(a => a?.GetValue<string>() ?? "").ToArray();
        var expirationSeconds = spec.GetInt64("expirationSeconds") ?? DefaultExpirationSeconds;
        spec["expirationSeconds"] = expirationSeconds;
        metadata["name"] = name;
        metadata["namespace"] = ns;
        metadata["creationTimestamp"] = ObjectMeta.FormatTime(now);
        request.Remove("status");

        var errors = new List<FieldError>();
        if (expirationSeconds < MinExpirationSeconds)
        {
            errors.Add(FieldError.Invalid("spec.expirationSeconds", expirationSeconds, "may not specify a duration less than 10 minutes"));
        }

        if (expirationSeconds > 1L << 32)
        {
            errors.Add(FieldError.Invalid("spec.expirationSeconds", expirationSeconds, "may not specify a duration larger than 2^32 seconds"));
        }

        if (errors.Count > 0)
        {
            throw ApiException.Invalid(TokenRequestKind, "", errors);
        }

        var (pod, secret, node) = BoundObjects(catalog, ns, name, spec["boundObjectRef"] as JsonObject);

        var lifetime = expirationSeconds;
        var warnAfter = 0L;
        if (pod is not null && expirationSeconds == ServiceAccountTokenClaims.WarnOnlyExpirationSeconds && audiences.All(issuer.ApiAudiences.Contains))
        {
            warnAfter = expirationSeconds;
            lifetime = ServiceAccountTokenClaims.ExtendedExpirationSeconds;
        }

        var claims = ServiceAccountTokenClaims.Build(serviceAccount, pod, secret, node, now, lifetime, warnAfter, audiences, Guid.NewGuid().ToString());
        request["status"] = new JsonObject
        {
            ["token"] = issuer.Sign(claims),
            ["expirationTimestamp"] = ObjectMeta.FormatTime(now.AddSeconds(expirationSeconds)),
        };
        return request;
    }

    /// <summary>The object spec.boundObjectRef names (and, for a pod, the node it runs on), checked as upstream does.</summary>
    private static (JsonObject? Pod, JsonObject? Secret, JsonObject? Node) BoundObjects(ResourceCatalog catalog, string ns, string name, JsonObject? reference)
    {
        if (reference is null)
        {
            return (null, null, null);
        }

        var apiVersion = reference.GetString("apiVersion") ?? "";
        var kind = reference.GetString("kind") ?? "";
        var refName = reference.GetString("name") ?? "";
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var group = slash < 0 ? "" : apiVersion[..slash];
        var version = slash < 0 ? apiVersion : apiVersion[(slash + 1)..];
        JsonObject? pod = null, secret = null, node = null;
        JsonObject bound;
        switch (group, kind)
        {
            case ("", "Pod"):
                pod = bound = Read(catalog, "pods", ns, refName);
                if (pod["spec"]?["serviceAccountName"]?.GetValue<string>() != name)
                {
                    throw ApiException.BadRequest($"cannot bind token for serviceaccount \"{name}\" to pod running with different serviceaccount name.");
                }

                if (pod["spec"]?["nodeName"]?.GetValue<string>() is { Length: > 0 } nodeName)
                {
                    // A pod's node that is not there is still named, without a uid.
                    node = catalog.Get("", "nodes").TryGet("", nodeName) is { } stored
                        ? ObjectJson.Parse(stored.Value)
                        : new JsonObject { ["metadata"] = new JsonObject { ["name"] = nodeName } };
                }

                break;
            case ("", "Node"):
                node = bound = Read(catalog, "nodes", "", refName);
                break;
            case ("", "Secret"):
                secret = bound = Read(catalog, "secrets", ns, refName);
                break;
            default:
                throw ApiException.BadRequest($"cannot bind token to object of type {group}/{version}, Kind={kind}");
        }

        if (reference.GetString("uid") is { Length: > 0 } uid && uid != bound.Uid())
        {
            throw ApiException.ConflictWith(new GroupResource(group, kind), refName,
                $"the UID in the bound object reference ({uid}) does not match the UID in record. The object might have been deleted and then recreated");
        }

        return (pod, secret, node);
    }

    /// <summary>The stored object, or upstream's 404 for it.</summary>
    private static JsonObject Read(ResourceCatalog catalog, string plural, string ns, string name)
    {
        var store = catalog.Get("", plural);
        return store.TryGet(ns, name) is { } stored
            ? ObjectJson.Parse(stored.Value)
            : throw ApiException.NotFound(store.Definition.GroupResource, name);
    }
}
