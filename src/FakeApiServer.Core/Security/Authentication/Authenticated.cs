namespace FakeApiServer.Security.Authentication;

/// <summary>Builds the user an authenticator settled on, as upstream's AuthenticatedGroupAdder leaves it: in system:authenticated.</summary>
internal static class Authenticated
{
    /// <summary>The user with <see cref="UserInfo.AuthenticatedGroup"/> added unless the groups already say authenticated or unauthenticated.</summary>
    public static UserInfo User(string name, string uid, IReadOnlyList<string> groups)
    {
        var all = groups.Contains(UserInfo.AuthenticatedGroup) || groups.Contains(UserInfo.UnauthenticatedGroup)
            ? groups.ToArray()
            : [.. groups, UserInfo.AuthenticatedGroup];
        return new UserInfo(name, uid, all, new Dictionary<string, IReadOnlyList<string>>());
    }
}
