using FakeApiServer.Api;
using FakeApiServer.Security.Authorization;
using FakeApiServer.Security.Authorization.Rbac;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Security.Impersonation;

/// <summary>
/// The impersonation step of the handler chain, as upstream's WithImpersonation (kubectl --as, --as-group, --as-uid):
/// Impersonate-User (a system:serviceaccount:ns:name user is a service account), Impersonate-Group (repeatable),
/// Impersonate-Uid and Impersonate-Extra-{key}; each is checked with the authorizer as verb "impersonate" on users,
/// serviceaccounts, groups, uids or userextras/{key}, in that order, and the first refusal answers 403. The request then
/// runs as the impersonated user, with system:authenticated added (service accounts also get their groups).
/// </summary>
internal sealed class ImpersonationFilter
{
    public const string UserHeader = "Impersonate-User";
    public const string GroupHeader = "Impersonate-Group";
    public const string UidHeader = "Impersonate-Uid";
    public const string ExtraHeaderPrefix = "Impersonate-Extra-";

    /// <summary>What every impersonation header's name starts with.</summary>
    private const string ImpersonatePrefix = "Impersonate-";

    private const string ImpersonateVerb = "impersonate";
    private const string AuthenticationGroup = "authentication.k8s.io";

    private readonly IAuthorizer _authorizer;
    private readonly ILogger _logger;

    public ImpersonationFilter(IAuthorizer authorizer, ILogger logger)
    {
        _authorizer = authorizer;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);

        // Most requests impersonate nobody: one look at the header names, no list and no async frame of this filter.
        var headers = context.Request.Headers;
        return AsksToImpersonate(headers) ? ImpersonateAsync(context, next, ImpersonationRequests(headers)) : next(context);
    }

    private async Task ImpersonateAsync(HttpContext context, RequestDelegate next, List<ImpersonationRequest> requests)
    {
        var headers = context.Request.Headers;
        if (requests.Count == 0)
        {
            await next(context);
            return;
        }

        if (requests[0].Kind is not (Kind.User or Kind.ServiceAccount))
        {
            // Upstream answers this with a 500; it is the client's mistake, so a 400 here.
            await ApiErrors.WriteAsync(context, ApiException.BadRequest(
                $"requested [{string.Join(" ", requests.Select(r => r.Describe()))}] without impersonating a user"), _logger);
            return;
        }

        var requestor = context.GetUser();
        var groupsSpecified = headers[GroupHeader].Count > 0;
        var username = "";
        var uid = "";
        var groups = new List<string>();
        var extra = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var request in requests)
        {
            var attributes = AuthorizationAttributes.ForResource(requestor, ImpersonateVerb, "", "", request.Namespace, request.Name);
            switch (request.Kind)
            {
                case Kind.ServiceAccount:
                    attributes = attributes with { Resource = "serviceaccounts" };
                    username = RbacSubject.ServiceAccountUserPrefix + request.Namespace + ":" + request.Name;
                    if (!groupsSpecified)
                    {
                        groups = [ServiceAccountsGroup, ServiceAccountsGroup + ":" + request.Namespace];
                    }

                    break;
                case Kind.User:
                    attributes = attributes with { Resource = "users" };
                    username = request.Name;
                    break;
                case Kind.Group:
                    attributes = attributes with { Resource = "groups" };
                    groups.Add(request.Name);
                    break;
                case Kind.UserExtra:
                    attributes = attributes with { ApiGroup = AuthenticationGroup, ApiVersion = "v1", Resource = "userextras", Subresource = request.ExtraKey };
                    if (!extra.TryGetValue(request.ExtraKey, out var values))
                    {
                        extra[request.ExtraKey] = values = [];
                    }

                    values.Add(request.Name);
                    break;
                default:
                    attributes = attributes with { ApiGroup = AuthenticationGroup, ApiVersion = "v1", Resource = "uids" };
                    uid = request.Name;
                    break;
            }

            var decision = _authorizer.Authorize(attributes);
            if (!decision.Allowed)
            {
                await ApiErrors.WriteAsync(context, ForbiddenError.For(attributes, decision.Reason), _logger);
                return;
            }
        }

        if (username != UserInfo.Anonymous.Name)
        {
            if (!groups.Contains(UserInfo.AuthenticatedGroup) && !groups.Contains(UserInfo.UnauthenticatedGroup))
            {
                groups.Add(UserInfo.AuthenticatedGroup);
            }
        }
        else if (!groups.Contains(UserInfo.UnauthenticatedGroup))
        {
            groups.Add(UserInfo.UnauthenticatedGroup);
        }

        context.SetUser(new UserInfo(username, uid, groups, extra.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value, StringComparer.Ordinal)));
        foreach (var header in headers.Keys.Where(IsImpersonationHeader).ToList())
        {
            headers.Remove(header);
        }

        await next(context);
    }

    /// <summary>The group of every service account.</summary>
    private const string ServiceAccountsGroup = "system:serviceaccounts";

    private static bool IsImpersonationHeader(string header) =>
        header.Equals(UserHeader, StringComparison.OrdinalIgnoreCase) || header.Equals(GroupHeader, StringComparison.OrdinalIgnoreCase)
        || header.Equals(UidHeader, StringComparison.OrdinalIgnoreCase) || header.StartsWith(ExtraHeaderPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether any header is an Impersonate-* one (with a value or not).</summary>
    private static bool AsksToImpersonate(IHeaderDictionary headers)
    {
        foreach (var header in headers)
        {
            if (header.Key.StartsWith(ImpersonatePrefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What the headers ask for, in upstream's order: the user, the groups, the extras, the uid.</summary>
    private static List<ImpersonationRequest> ImpersonationRequests(IHeaderDictionary headers)
    {
        var requests = new List<ImpersonationRequest>();
        if (headers[UserHeader].ToString() is { Length: > 0 } user)
        {
            requests.Add(ServiceAccountName(user) is { } sa
                ? new ImpersonationRequest(Kind.ServiceAccount, sa.Name, sa.Namespace, "")
                : new ImpersonationRequest(Kind.User, user, "", ""));
        }

        foreach (var group in headers[GroupHeader])
        {
            requests.Add(new ImpersonationRequest(Kind.Group, group ?? "", "", ""));
        }

        foreach (var (header, values) in headers)
        {
            if (header.StartsWith(ExtraHeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var key = Uri.UnescapeDataString(header[ExtraHeaderPrefix.Length..].ToLowerInvariant());
                requests.AddRange(values.Select(v => new ImpersonationRequest(Kind.UserExtra, v ?? "", "", key)));
            }
        }

        if (headers[UidHeader].ToString() is { Length: > 0 } uid)
        {
            requests.Add(new ImpersonationRequest(Kind.Uid, uid, "", ""));
        }

        // The user comes first when there is one: a list whose first entry is not a user has none.
        return requests;
    }

    /// <summary>Upstream's serviceaccount.SplitUsername: system:serviceaccount:{namespace}:{name}, both non-empty.</summary>
    private static (string Namespace, string Name)? ServiceAccountName(string user)
    {
        if (!user.StartsWith(RbacSubject.ServiceAccountUserPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = user[RbacSubject.ServiceAccountUserPrefix.Length..].Split(':');
        return parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 ? (parts[0], parts[1]) : null;
    }

    private enum Kind
    {
        User,
        ServiceAccount,
        Group,
        UserExtra,
        Uid,
    }

    private sealed record ImpersonationRequest(Kind Kind, string Name, string Namespace, string ExtraKey)
    {
        public string Describe() => $"{{{Kind} {Namespace} {Name} {ExtraKey}}}";
    }
}
