using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Security;

/// <summary>
/// Who made a request, as kube-apiserver's user.Info: the name, uid, groups and extra attributes an authenticator
/// (or impersonation) settled on. Authentication puts it on the request; authorization, the review APIs and
/// admission read it.
/// </summary>
public sealed record UserInfo(string Name, string Uid, IReadOnlyList<string> Groups, IReadOnlyDictionary<string, IReadOnlyList<string>> Extra)
{
    /// <summary>The group every authenticated user is in.</summary>
    public const string AuthenticatedGroup = "system:authenticated";

    /// <summary>The group anonymous requests are in.</summary>
    public const string UnauthenticatedGroup = "system:unauthenticated";

    /// <summary>The group that bypasses authorization (bound to cluster-admin).</summary>
    public const string MastersGroup = "system:masters";

    /// <summary>The user of a request that carries no credentials, when anonymous requests are allowed.</summary>
    public static UserInfo Anonymous { get; } = new("system:anonymous", "", [UnauthenticatedGroup], new Dictionary<string, IReadOnlyList<string>>());

    /// <summary>
    /// The user of a request no authenticator looked at (plain http on loopback, authentication not configured):
    /// kube-apiserver's former insecure port, which served every request as system:unsecured in system:masters.
    /// </summary>
    public static UserInfo Unsecured { get; } = new("system:unsecured", "", [MastersGroup, AuthenticatedGroup], new Dictionary<string, IReadOnlyList<string>>());

    /// <summary>A user with no uid and no extra attributes.</summary>
    public static UserInfo Of(string name, params string[] groups) => new(name, "", groups, new Dictionary<string, IReadOnlyList<string>>());
}

/// <summary>Where a request's <see cref="UserInfo"/> lives while it is served.</summary>
public static class RequestUser
{
    private static readonly object Key = new();

    /// <summary>Records the authenticated (or impersonated) user of the request.</summary>
    public static void SetUser(this HttpContext context, UserInfo user) => context.Items[Key] = user;

    /// <summary>The user of the request: the one authentication (or impersonation) set, else <see cref="UserInfo.Unsecured"/>.</summary>
    public static UserInfo GetUser(this HttpContext context) => context.Items.TryGetValue(Key, out var user) && user is UserInfo u ? u : UserInfo.Unsecured;
}
