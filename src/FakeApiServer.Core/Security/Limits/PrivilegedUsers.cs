namespace FakeApiServer.Security.Limits;

/// <summary>Users the limits never throttle: those in system:masters, as upstream's max-in-flight filter exempts them.</summary>
internal static class PrivilegedUsers
{
    public static bool IsPrivileged(UserInfo user)
    {
        var groups = user.Groups;
        for (var i = 0; i < groups.Count; i++)
        {
            if (groups[i] == UserInfo.MastersGroup)
            {
                return true;
            }
        }

        return false;
    }
}
