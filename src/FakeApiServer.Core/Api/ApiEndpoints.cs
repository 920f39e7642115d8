using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FakeApiServer.Api.Discovery;
using FakeApiServer.Api.OpenApi;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using FakeApiServer.Api.Metrics;
using FakeApiServer.Features;

namespace FakeApiServer.Api;

/// <summary>The HTTP surface: discovery, OpenAPI, version, health, metrics and the resource paths; everything else is a 404 Status.</summary>
internal static class ApiEndpoints
{
    /// <summary>The Content-Type of the OpenAPI v2 protobuf document (kube-openapi answers this for both accepted spellings).</summary>
    private const string OpenApiV2Protobuf = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    /// <summary>
    /// Serves the API as the application's only terminal handler. The paths are matched here rather than through
    /// endpoint routing: building the routing matcher and the minimal-API delegates costs a new server tens of
    /// milliseconds on its first request, which a test fixture pays on every start.
    /// </summary>
    public static void MapKubernetesApi(this IApplicationBuilder app, ApiContext api, ServerVersion version, FeatureGates gates)
    {
        var router = new Router(api, version, gates);
        app.Run(router.HandleAsync);
    }

    private sealed class Router
    {
        private static readonly string[] HealthChecks = ["healthz", "livez", "readyz"];

        private readonly ApiContext _api;
        private readonly DiscoveryDocuments _discovery;
        private readonly OpenApiDocuments _openApi;
        private readonly ResourceEndpoint _resources;
        private readonly JsonObject _version;
        private readonly byte[] _metrics;

        public Router(ApiContext api, ServerVersion version, FeatureGates gates)
        {
            _api = api;
            _discovery = new DiscoveryDocuments(api.Catalog);
            _openApi = new OpenApiDocuments(api.Catalog, version.GitVersion);
            _resources = new ResourceEndpoint(api);
            _version = version.ToJson();
            _metrics = MetricsEndpoint.Document(gates);
        }

        public Task HandleAsync(HttpContext c)
        {
            var info = RequestInfo.Of(c);
            if (info.IsResourceRequest)
            {
                // /api/v1/... and the group/versions served under /apis; any other version or group is a 404.
                return (info.ApiPrefix == "api" ? info.Version == "v1" : _api.Catalog.ServesGroupVersion(info.Group, info.Version))
                    ? _resources.HandleAsync(c, info)
                    : WriteErrorAsync(c, ApiException.NotFoundPath(), _api);
            }

            // The non-resource paths: discovery, OpenAPI, /version, health, /metrics.
            var path = info.Path;
            if (path.Length > 1 && path[^1] == '/')
            {
                path = path[..^1];
            }

            var parts = path.Split('/', 5, StringSplitOptions.RemoveEmptyEntries);
            if (parts is ["api", "v1"])
            {
                return Get(c, () => WriteDiscoveryDocumentAsync(c, _discovery.ApiResourceList("", "v1")));
            }

            return Get(c, () => (parts.Length, parts.ElementAtOrDefault(0)) switch
            {
                (1, "version") => WriteVersionAsync(c, _version),
                (1 or 2, var h) when HealthChecks.Contains(h) => WriteTextAsync(c, parts.Length == 1 && c.Request.Query.ContainsKey("verbose") ? $"[+]ping ok\n[+]etcd ok\n{h} check passed\n" : "ok"),
                (1, "api") => MediaTypes.NegotiateDiscovery(c.Request.Headers.Accept) is { } v
                    ? WriteDiscoveryAsync(c, _discovery.Aggregated(core: true, v), v)
                    : WriteDiscoveryDocumentAsync(c, DiscoveryDocuments.ApiVersions(c.Request.Host.Value ?? "127.0.0.1")),
                (1, "apis") => MediaTypes.NegotiateDiscovery(c.Request.Headers.Accept) is { } v
                    ? WriteDiscoveryAsync(c, _discovery.Aggregated(core: false, v), v)
                    : WriteDiscoveryDocumentAsync(c, _discovery.ApiGroupList()),
                (2, "apis") => _discovery.ApiGroup(parts[1]) is { } doc ? WriteDiscoveryDocumentAsync(c, doc) : WriteErrorAsync(c, ApiException.NotFoundPath(), _api),
                (3, "apis") => _api.Catalog.ServesGroupVersion(parts[1], parts[2])
                    ? WriteDiscoveryDocumentAsync(c, _discovery.ApiResourceList(parts[1], parts[2]))
                    : WriteErrorAsync(c, ApiException.NotFoundPath(), _api),
                (2, "openapi") when parts[1] == "v2" => WriteOpenApiV2Async(c),
                (2, "openapi") when parts[1] == "v3" => WriteBytesAsync(c, ObjectJson.Serialize(_openApi.Root()), MediaTypes.Json, null),
                ( > 2, "openapi") when parts[1] == "v3" => WriteOpenApiV3Async(c, path["/openapi/v3/".Length..]),
                (1, "metrics") => _api.MetricsEndpoint is { } scrape ? scrape(c) : WriteBytesAsync(c, _metrics, MetricsEndpoint.ContentType, null),
                (2, ".well-known") when parts[1] == "openid-configuration" && _api.OpenIdMetadata is { Served: true } oidc =>
                    WriteOpenIdAsync(c, oidc.Configuration, MediaTypes.Json),
                (3, "openid") when parts[1] == "v1" && parts[2] == "jwks" && _api.OpenIdMetadata is { Served: true } oidc =>
                    WriteOpenIdAsync(c, oidc.KeySet, Security.ServiceAccounts.OpenIdMetadata.JwksContentType),
                _ => WriteErrorAsync(c, ApiException.NotFoundPath(), _api),
            });
        }

        /// <summary>The non-resource paths answer GET (and HEAD) only.</summary>
        private Task Get(HttpContext c, Func<Task> handle) => HttpMethods.IsGet(c.Request.Method) || HttpMethods.IsHead(c.Request.Method)
            ? handle()
            : WriteErrorAsync(c, ApiException.MethodNotAllowedPath(), _api);

        /// <summary>
        /// A legacy discovery document (APIVersions, APIGroupList, APIGroup, APIResourceList): kube-apiserver negotiates
        /// these like any object, so a client that prefers protobuf gets protobuf; JSON otherwise (/version is always JSON).
        /// </summary>
        private Task WriteDiscoveryDocumentAsync(HttpContext c, JsonObject document)
        {
            var apiVersion = document.GetString("apiVersion") ?? "v1";
            var kind = document.GetString("kind") ?? "";
            if (MediaTypes.PrefersProtobuf(c.Request.Headers.Accept) && _api.Protobuf.Codec.Supports(apiVersion, kind))
            {
                c.Response.Headers.Vary = "Accept";
                return WriteBytesAsync(c, _api.Protobuf.Built(apiVersion, kind, ObjectJson.Serialize(document)), MediaTypes.Protobuf, null);
            }

            return WriteJsonAsync(c, document);
        }

        /// <summary>
        /// /openapi/v2 as kube-openapi serves it: the first Accept clause (by quality) that names JSON or one of the two
        /// protobuf spellings, or a wildcard, picks the form; the ETag is the same for both; nothing acceptable is a bare 406.
        /// </summary>
        private Task WriteOpenApiV2Async(HttpContext c)
        {
            c.Response.Headers.Vary = "Accept";
            if (MediaTypes.NegotiateOpenApiV2(c.Request.Headers.Accept) is not { } protobuf)
            {
                c.Response.StatusCode = StatusCodes.Status406NotAcceptable;
                return Task.CompletedTask;
            }

            var (json, proto, etag) = _openApi.V2();
            return protobuf
                ? WriteBytesAsync(c, proto, OpenApiV2Protobuf, "\"" + etag + "\"")
                : WriteBytesAsync(c, json, MediaTypes.Json, "\"" + etag + "\"");
        }

        private Task WriteOpenApiV3Async(HttpContext c, string path)
        {
            if (_openApi.Get(path) is not { } doc)
            {
                return WriteErrorAsync(c, ApiException.NotFoundPath(), _api);
            }

            if (c.Request.Query["hash"] == doc.Hash)
            {
                c.Response.Headers.CacheControl = "public, immutable";
            }

            return WriteBytesAsync(c, doc.Json, MediaTypes.Json, "\"" + doc.Hash + "\"");
        }
    }

    private static Task WriteErrorAsync(HttpContext context, ApiException error, ApiContext api) => ApiErrors.WriteAsync(context, error, api.Logger, api.Protobuf);

    private static Task WriteDiscoveryAsync(HttpContext context, JsonObject document, string version)
    {
        context.Response.Headers.Vary = "Accept";
        return WriteBytesAsync(context, ObjectJson.Serialize(document), $"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList", null, negotiatedJson: true);
    }

    private static Task WriteJsonAsync(HttpContext context, JsonObject document)
    {
        context.Response.Headers.Vary = "Accept";
        return WriteBytesAsync(context, ObjectJson.Serialize(document), MediaTypes.Json, null, negotiatedJson: true);
    }

    /// <summary>/version is written as upstream's WriteRawJSON does: always indented, without a trailing newline.</summary>
    private static Task WriteVersionAsync(HttpContext context, JsonObject document) =>
        WriteBytesAsync(context, JsonBody.Indent(ObjectJson.Serialize(document)), MediaTypes.Json, null);

    /// <summary>
    /// Writes a body with its ETag (304 when the client has it). A negotiated JSON body (discovery) is finished as
    /// the API's objects are (newline, or pretty); the ETag is the compact form's either way.
    /// </summary>
    private static async Task WriteBytesAsync(HttpContext context, byte[] body, string contentType, string? etag, bool negotiatedJson = false)
    {
        etag ??= "\"" + Convert.ToHexString(SHA256.HashData(body)) + "\"";
        context.Response.Headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch == etag)
        {
            context.Response.StatusCode = 304;
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        if (negotiatedJson)
        {
            await JsonBody.WriteAsync(context, body);
            return;
        }

        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>A service account issuer discovery document, as upstream writes it: cacheable for an hour, no ETag, no trailing newline.</summary>
    private static Task WriteOpenIdAsync(HttpContext context, byte[] body, string contentType)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = Security.ServiceAccounts.OpenIdMetadata.CacheControl;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    private static Task WriteTextAsync(HttpContext context, string text)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
