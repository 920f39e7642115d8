using FakeApiServer.Security.Authorization.Rbac;

namespace FakeApiServer.Security.Authorization;

/// <summary>
/// --authorization-mode: a comma-separated list of modes evaluated in order (AlwaysAllow, AlwaysDeny, RBAC), always
/// behind the privileged-groups authorizer, as kube-apiserver builds its union authorizer.
/// </summary>
internal static class AuthorizationModes
{
    public const string AlwaysAllow = "AlwaysAllow";
    public const string AlwaysDeny = "AlwaysDeny";
    public const string Rbac = "RBAC";

    /// <summary>The modes used when none is configured.</summary>
    public const string Default = AlwaysAllow;

    private static readonly string[] Known = [AlwaysAllow, AlwaysDeny, Rbac];

    /// <summary>Parses and checks a mode list as kube-apiserver's flag validation does; throws <see cref="FormatException"/>.</summary>
    public static IReadOnlyList<string> Parse(string? text)
    {
        var modes = (text ?? Default).Split(',', StringSplitOptions.TrimEntries);
        if (modes.Length == 0 || modes.Any(m => m.Length == 0))
        {
            throw new FormatException("at least one authorization-mode must be passed");
        }

        foreach (var mode in modes)
        {
            if (!Known.Contains(mode, StringComparer.Ordinal))
            {
                throw new FormatException($"authorization-mode {PolicyRule.GoQuote(mode)} is not a valid mode");
            }

            if (modes.Count(m => m == mode) > 1)
            {
                throw new FormatException($"authorization-mode {PolicyRule.GoQuote(mode)} has mode specified more than once");
            }
        }

        return modes;
    }

    /// <summary>The authorizer for the modes: system:masters first, then each mode in order.</summary>
    public static IAuthorizer Build(string? modes, RbacPolicySource policy) =>
        new AuthorizerChain([new PrivilegedGroupsAuthorizer(), .. Parse(modes).Select(m => Create(m, policy))]);

    private static IAuthorizer Create(string mode, RbacPolicySource policy) => mode switch
    {
        AlwaysAllow => new AlwaysAllowAuthorizer(),
        AlwaysDeny => new AlwaysDenyAuthorizer(),
        _ => new RbacAuthorizer(policy),
    };
}
