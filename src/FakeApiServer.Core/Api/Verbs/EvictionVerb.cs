using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.Pods;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>
/// pods/eviction (POST): a policy/v1 or policy/v1beta1 Eviction whose metadata.name is the pod's; its deleteOptions
/// (preconditions, gracePeriodSeconds, dryRun) govern the delete. The budget check is <see cref="PodEviction"/>'s.
/// </summary>
internal static class EvictionVerb
{
    public static async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var query = context.Request.Query;
        var createOptions = QueryOptions.Write(query);
        var eviction = await RequestBody.ReadObjectAsync(context.Request, new ExpectedBody(request.Api.Protobuf.Codec, "policy/v1", "Eviction"), context.RequestAborted);
        CheckTypeMeta(eviction);
        var name = request.Name;
        if ((eviction["metadata"]?["name"]?.GetValue<string>() ?? "") != name)
        {
            throw ApiException.BadRequest("name in URL does not match name in Eviction object");
        }

        var body = eviction["deleteOptions"] as JsonObject;
        var bodyDryRun = body?["dryRun"] is JsonArray { Count: > 0 } dry ? dry.Select(d => d?.ToJsonString()).ToList() : null;
        var queryDryRun = query["dryRun"].Where(v => v is not null).Select(v => JsonValue.Create(v)!.ToJsonString()).ToList();
        if (bodyDryRun is not null && queryDryRun.Count > 0 && !bodyDryRun.SequenceEqual(queryDryRun))
        {
            // Upstream answers this with a 500 (a plain error); it is the client's mistake, so a 400 here.
            throw ApiException.BadRequest(
                $"Non-matching dry-run options in request and content: [{string.Join(' ', query["dryRun"].ToArray())}] and [{string.Join(' ', body!["dryRun"]!.AsArray().Select(d => d?.GetValue<string>()))}]");
        }

        // The query's dryRun applies when the Eviction's deleteOptions name none; no other query parameter reaches the delete.
        var options = QueryOptions.Delete(new QueryCollection(), body) with { Warnings = new ResponseWarnings(context) };
        if (bodyDryRun is null)
        {
            options = options with { DryRun = createOptions.DryRun };
        }
        var failure = await PodEviction.EvictAsync(
            request.Api.Catalog, request.Api.Store, request.Namespace, name, options, request.Api.Time, context.RequestAborted);
        var status = failure is null
            ? ApiErrors.SuccessBytes(new StatusDetails(null, null, null))
            : FailureBytes(failure);
        await ApiErrors.WriteStatusAsync(context, 201, status, request.Api.Protobuf);
    }

    /// <summary>Accepts an Eviction of policy/v1 or policy/v1beta1 (both are served on pods/eviction), or no type at all.</summary>
    private static void CheckTypeMeta(JsonObject eviction)
    {
        var apiVersion = eviction.GetString("apiVersion") ?? "";
        var kind = eviction.GetString("kind") ?? "";
        if (apiVersion.Length == 0 && kind.Length == 0)
        {
            return;
        }

        if (kind != "Eviction" || apiVersion is not ("policy/v1" or "policy/v1beta1"))
        {
            var version = apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..];
            throw ApiException.BadRequest(
                $"{kind} in version \"{version}\" cannot be handled as a Eviction: converting ({version}.{kind}) to (policy.Eviction): unknown conversion");
        }
    }

    /// <summary>
    /// The Failure Status upstream returns as its result (not as an error) when a pod has several budgets: code 500 in the
    /// body, no reason, while the response itself is a 201 as for every created result.
    /// </summary>
    private static byte[] FailureBytes(string message) => System.Text.Encoding.UTF8.GetBytes(new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["code"] = 500,
    }.ToJsonString());
}
