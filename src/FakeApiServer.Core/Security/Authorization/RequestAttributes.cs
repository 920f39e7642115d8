using FakeApiServer.Api;
using FakeApiServer.Api.Selectors;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Security.Authorization;

/// <summary>
/// The authorization attributes of an HTTP request, as upstream's RequestInfoFactory reads them: /api/v1/... and
/// /apis/{group}/{version}/... name resources (verb from the method: get on a collection is list, or watch with
/// watch=true or the legacy /watch/ prefix; delete on a collection is deletecollection); every other path, discovery
/// included, is a non-resource request whose verb is the lowercase method.
/// </summary>
internal static class RequestAttributes
{
    /// <summary>Verbs upstream reads from the path (/api/v1/watch/..., /api/v1/proxy/...).</summary>
    private static readonly HashSet<string> PathVerbs = ["watch", "proxy"];

    public static AuthorizationAttributes From(HttpContext context)
    {
        var request = context.Request;
        var user = context.GetUser();
        var path = request.Path.Value is { Length: > 0 } p ? p : "/";
        var method = request.Method;
        var nonResource = AuthorizationAttributes.ForPath(user, method.ToLowerInvariant(), path);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group, version;
        string[] rest;
        if (parts.Length >= 3 && parts[0] == "api")
        {
            (group, version, rest) = ("", parts[1], parts[2..]);
        }
        else if (parts.Length >= 4 && parts[0] == "apis")
        {
            (group, version, rest) = (parts[1], parts[2], parts[3..]);
        }
        else
        {
            return nonResource;
        }

        string verb;
        if (PathVerbs.Contains(rest[0]))
        {
            if (rest.Length < 2)
            {
                return nonResource;
            }

            verb = rest[0];
            rest = rest[1..];
        }
        else
        {
            verb = method switch
            {
                "POST" => "create",
                "GET" or "HEAD" => "get",
                "PUT" => "update",
                "PATCH" => "patch",
                "DELETE" => "delete",
                _ => "",
            };
        }

        if (RequestInfo.ParseForAuthorization(group, version, rest) is not { } info)
        {
            return nonResource;
        }

        var name = info.Name;
        if (name.Length == 0 && verb == "get")
        {
            verb = request.Query["watch"].ToString() is "true" or "1" or "True" ? "watch" : "list";
            name = NameFromFieldSelector(request.Query["fieldSelector"].ToString());
        }
        else if (name.Length == 0 && verb == "delete")
        {
            verb = "deletecollection";
        }

        return AuthorizationAttributes.ForResource(user, verb, group, info.Resource, info.Namespace, name, info.Subresource) with { ApiVersion = version };
    }

    /// <summary>The name a list or watch is limited to by fieldSelector=metadata.name=x (kubectl get x --watch), else "".</summary>
    private static string NameFromFieldSelector(string selector)
    {
        if (selector.Length == 0)
        {
            return "";
        }

        try
        {
            return FieldSelector.Parse(selector).RequiresExactMatch("metadata.name", out var name) && !name.Contains('/', StringComparison.Ordinal) ? name : "";
        }
        catch (SelectorParseException)
        {
            // The list itself answers 400 for a bad selector.
            return "";
        }
    }
}
