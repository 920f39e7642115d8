using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FakeApiServer.Api.Discovery;
using FakeApiServer.Api.OpenApi;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FakeApiServer.Api;

/// <summary>The HTTP surface: discovery, OpenAPI, version, health and the resource routes; everything else is a 404 Status.</summary>
internal static class ApiEndpoints
{
    /// <summary>The OpenAPI v2 media type kubectl 1.27/1.28 ask for; an empty body is a valid empty protobuf document.</summary>
    private const string OpenApiV2Protobuf = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    public static void MapKubernetesApi(this IEndpointRouteBuilder routes, ApiContext api, ServerVersion version)
    {
        var discovery = new DiscoveryDocuments(api.Catalog);
        var openApi = new OpenApiDocuments(api.Catalog, version.GitVersion);
        var resources = new ResourceEndpoint(api);

        routes.MapGet("/version", (HttpContext c) => WriteJsonAsync(c, version.ToJson()));
        foreach (var health in new[] { "/healthz", "/livez", "/readyz" })
        {
            routes.MapGet(health, (HttpContext c) => WriteTextAsync(c, c.Request.Query.ContainsKey("verbose") ? $"[+]ping ok\n[+]etcd ok\n{health[1..]} check passed\n" : "ok"));
            routes.MapGet(health + "/{check}", (HttpContext c) => WriteTextAsync(c, "ok"));
        }

        routes.MapGet("/api", (HttpContext c) => MediaTypes.NegotiateDiscovery(c.Request.Headers.Accept) is { } v
            ? WriteDiscoveryAsync(c, discovery.Aggregated(core: true, v), v)
            : WriteJsonAsync(c, DiscoveryDocuments.ApiVersions(c.Request.Host.Value ?? "127.0.0.1")));
        routes.MapGet("/apis", (HttpContext c) => MediaTypes.NegotiateDiscovery(c.Request.Headers.Accept) is { } v
            ? WriteDiscoveryAsync(c, discovery.Aggregated(core: false, v), v)
            : WriteJsonAsync(c, discovery.ApiGroupList()));
        routes.MapGet("/api/v1", (HttpContext c) => WriteJsonAsync(c, discovery.ApiResourceList("", "v1")));
        routes.MapGet("/apis/{group}", (HttpContext c, string group) => discovery.ApiGroup(group) is { } doc
            ? WriteJsonAsync(c, doc)
            : WriteErrorAsync(c, ApiException.NotFoundPath(), api));
        routes.MapGet("/apis/{group}/{version}", (HttpContext c, string group, string version) => api.Catalog.ServesGroupVersion(group, version)
            ? WriteJsonAsync(c, discovery.ApiResourceList(group, version))
            : WriteErrorAsync(c, ApiException.NotFoundPath(), api));
        routes.Map("/api/v1/{**path}", (HttpContext c, string path) => resources.HandleAsync(c, "", "v1", path));
        routes.Map("/apis/{group}/{version}/{**path}", (HttpContext c, string group, string version, string path) =>
            api.Catalog.ServesGroupVersion(group, version)
                ? resources.HandleAsync(c, group, version, path)
                : WriteErrorAsync(c, ApiException.NotFoundPath(), api));

        routes.MapGet("/openapi/v2", (HttpContext c) =>
        {
            c.Response.StatusCode = 200;
            c.Response.ContentType = OpenApiV2Protobuf;
            return Task.CompletedTask;
        });
        routes.MapGet("/openapi/v3", (HttpContext c) => WriteJsonAsync(c, openApi.Root()));
        routes.MapGet("/openapi/v3/{**path}", (HttpContext c, string path) =>
        {
            if (openApi.Get(path) is not { } doc)
            {
                return WriteErrorAsync(c, ApiException.NotFoundPath(), api);
            }

            if (c.Request.Query["hash"] == doc.Hash)
            {
                c.Response.Headers.CacheControl = "public, immutable";
            }

            return WriteBytesAsync(c, doc.Json, MediaTypes.Json, "\"" + doc.Hash + "\"");
        });

        routes.MapFallback((HttpContext c) => WriteErrorAsync(c, ApiException.NotFoundPath(), api));
    }

    private static Task WriteErrorAsync(HttpContext context, ApiException error, ApiContext api) => ApiErrors.WriteAsync(context, error, api.Logger);

    private static Task WriteDiscoveryAsync(HttpContext context, JsonObject document, string version)
    {
        context.Response.Headers.Vary = "Accept";
        return WriteBytesAsync(context, ObjectJson.Serialize(document), $"application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList", null);
    }

    private static Task WriteJsonAsync(HttpContext context, JsonObject document)
    {
        context.Response.Headers.Vary = "Accept";
        return WriteBytesAsync(context, ObjectJson.Serialize(document), MediaTypes.Json, null);
    }

    private static async Task WriteBytesAsync(HttpContext context, byte[] body, string contentType, string? etag)
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
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static Task WriteTextAsync(HttpContext context, string text)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
