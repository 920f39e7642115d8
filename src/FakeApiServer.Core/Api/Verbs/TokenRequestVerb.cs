using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.ServiceAccounts;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>serviceaccounts/token (POST): an authentication.k8s.io/v1 TokenRequest, answered 201 with the token in its status.</summary>
internal static class TokenRequestVerb
{
    public static async Task HandleAsync(HttpContext context, ResourceRequest request, ServiceAccountTokenRequest tokens)
    {
        var codec = request.Api.Protobuf.Codec;
        var body = await RequestBody.ReadObjectAsync(
            context.Request, new ExpectedBody(codec, ServiceAccountTokenRequest.ApiVersion, ServiceAccountTokenRequest.Kind), context.RequestAborted);
        CheckTypeMeta(body);
        var answer = tokens.Create(request.Api.Catalog, request.Namespace, request.Name, body, request.Api.Time.GetUtcNow());
        var json = ObjectJson.Serialize(answer);
        context.Response.StatusCode = 201;
        if (MediaTypes.NegotiateResource(context.Request.Headers.Accept, () => codec.Supports(ServiceAccountTokenRequest.ApiVersion, ServiceAccountTokenRequest.Kind))
            == MediaTypes.ResourceForm.Protobuf)
        {
            context.Response.ContentType = MediaTypes.Protobuf;
            await context.Response.Body.WriteAsync(request.Api.Protobuf.Built(ServiceAccountTokenRequest.ApiVersion, ServiceAccountTokenRequest.Kind, json), context.RequestAborted);
            return;
        }

        context.Response.ContentType = MediaTypes.Json;
        await JsonBody.WriteAsync(context, json);
    }

    /// <summary>Accepts a TokenRequest of authentication.k8s.io/v1, or a body naming no type (which becomes one).</summary>
    private static void CheckTypeMeta(JsonObject body)
    {
        var apiVersion = body.GetString("apiVersion") ?? "";
        var kind = body.GetString("kind") ?? "";
        if (apiVersion.Length == 0 && kind.Length == 0)
        {
            body["apiVersion"] = ServiceAccountTokenRequest.ApiVersion;
            body["kind"] = ServiceAccountTokenRequest.Kind;
            return;
        }

        if (kind != ServiceAccountTokenRequest.Kind || apiVersion != ServiceAccountTokenRequest.ApiVersion)
        {
            var version = apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..];
            throw ApiException.BadRequest(
                $"{kind} in version \"{version}\" cannot be handled as a TokenRequest: converting ({version}.{kind}) to (authentication.TokenRequest): unknown conversion");
        }
    }
}
