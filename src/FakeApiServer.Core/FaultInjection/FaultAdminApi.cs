using System.Text.Json;
using FakeApiServer.Api;
using FakeApiServer.Security;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.FaultInjection;

/// <summary>
/// The faults admin API (--admin-api), for clients outside .NET: GET /fakeapiserver/v1/faults lists the rules, POST adds
/// one (a <see cref="FaultRule"/> as JSON; 201 with its ID), GET or DELETE /fakeapiserver/v1/faults/{id} reads or removes
/// one, DELETE /fakeapiserver/v1/faults removes all. When the server authenticates requests, only members of
/// system:masters may use it (others get 403); when it is off the paths are unknown (404).
/// </summary>
internal sealed class FaultAdminApi(FaultRules rules, bool authenticates)
{
    public const string ApiVersion = "fakeapiserver/v1";
    public const string Path = "/fakeapiserver/v1/faults";

    /// <summary>A rule's JSON is small; a bigger body is a mistake.</summary>
    private const int MaxBodyBytes = 64 * 1024;

    public static bool Serves(PathString path) =>
        path.Value is { } value && (value == Path || (value.StartsWith(Path + "/", StringComparison.Ordinal) && value.Length > Path.Length + 1));

    public async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!;
        var id = path.Length > Path.Length ? path[(Path.Length + 1)..] : null;
        var method = context.Request.Method;
        var user = context.GetUser();
        if (authenticates && !user.Groups.Contains("system:masters"))
        {
            await WriteErrorAsync(context, ApiException.Forbidden(default, "", $"User \"{user.Name}\" cannot {method.ToLowerInvariant()} path \"{path}\""));
            return;
        }

        switch (method, id)
        {
            case ("GET", null):
                await WriteAsync(context, 200, JsonSerializer.SerializeToUtf8Bytes(new FaultRuleList([.. rules.Active.Select(a => a.Current())]), FaultJsonContext.Default.FaultRuleList));
                break;
            case ("GET", _):
                if (rules.Active.FirstOrDefault(a => a.Id == id) is { } found)
                {
                    await WriteAsync(context, 200, JsonSerializer.SerializeToUtf8Bytes(found.Current(), FaultJsonContext.Default.FaultRule));
                }
                else
                {
                    await WriteErrorAsync(context, NotFound(id));
                }

                break;
            case ("POST", null):
                await AddAsync(context);
                break;
            case ("DELETE", null):
                rules.Clear();
                await WriteAsync(context, 200, ApiErrors.SuccessBytes(new StatusDetails(null, "fakeapiserver", "faults")));
                break;
            case ("DELETE", _):
                if (rules.Remove(id))
                {
                    await WriteAsync(context, 200, ApiErrors.SuccessBytes(new StatusDetails(id, "fakeapiserver", "faults")));
                }
                else
                {
                    await WriteErrorAsync(context, NotFound(id));
                }

                break;
            default:
                await WriteErrorAsync(context, ApiException.MethodNotAllowedPath());
                break;
        }
    }

    private async Task AddAsync(HttpContext context)
    {
        FaultRule? rule;
        try
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            if (body.Length > MaxBodyBytes)
            {
                await WriteErrorAsync(context, ApiException.RequestEntityTooLarge(MaxBodyBytes));
                return;
            }

            var bytes = body.ToArray();
            var json = bytes.AsSpan().TrimStart(" \t\r\n"u8) is [(byte)'{', ..] ? bytes : System.Text.Encoding.UTF8.GetBytes(YamlJson.Parse(bytes)?.ToJsonString() ?? "");
            rule = JsonSerializer.Deserialize(json, FaultJsonContext.Default.FaultRule);
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(context, ApiException.BadRequest("invalid fault rule: " + e.Message));
            return;
        }
        catch (ApiException e)
        {
            await WriteErrorAsync(context, e);
            return;
        }

        if (rule is null || rule.Problem() is { } problem && problem.Length > 0)
        {
            await WriteErrorAsync(context, ApiException.BadRequest("invalid fault rule: " + (rule?.Problem() ?? "the body is empty")));
            return;
        }

        var added = rules.Add(rule);
        await WriteAsync(context, 201, JsonSerializer.SerializeToUtf8Bytes(added.Current(), FaultJsonContext.Default.FaultRule));
    }

    private static ApiException NotFound(string id) => ApiException.NotFound(new GroupResource("fakeapiserver", "faults"), id);

    private static Task WriteErrorAsync(HttpContext context, ApiException error) => WriteAsync(context, error.Code, ApiErrors.StatusBytes(error));

    private static async Task WriteAsync(HttpContext context, int code, byte[] json)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = MediaTypes.Json;
        await JsonBody.WriteAsync(context, json);
    }
}
