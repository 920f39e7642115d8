using FakeApiServer.Registry;

namespace FakeApiServer.Hosting;

/// <summary>
/// Which group/versions a server serves, from --runtime-config as kube-apiserver reads it
/// (k8s.io/apiserver pkg/server/resourceconfig): by default GA versions are on and beta and alpha versions off;
/// <c>api/all</c> switches every version, then <c>api/ga</c>, <c>api/beta</c> and <c>api/alpha</c> switch one
/// stability level, then <c>group/version</c> (and <c>group/version/resource</c>) keys decide for themselves.
/// The stability of a version is read from its name (v1alpha1, v2beta3, v1). Filtering the resource definitions
/// before the catalog is built keeps a disabled group/version out of discovery, OpenAPI and the routes (404).
/// </summary>
/// <remarks>
/// The core group (/api/v1) is always served: the server's own start-up objects live there. A key for a group the
/// server does not know is ignored, as upstream ignores groups it has not registered; a key naming an unknown
/// version of a known group is refused with upstream's message.
/// </remarks>
internal static class ApiEnablement
{
    public const string All = "api/all";
    public const string GA = "api/ga";
    public const string Beta = "api/beta";
    public const string Alpha = "api/alpha";

    /// <summary>The definitions whose group/version (and resource) the runtime config serves.</summary>
    /// <exception cref="FormatException">A key names a version the server does not have of a group it knows.</exception>
    public static IReadOnlyList<ResourceDefinition> Served(IEnumerable<ResourceDefinition> definitions, IReadOnlyDictionary<string, bool> runtimeConfig)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        ArgumentNullException.ThrowIfNull(runtimeConfig);
        var all = definitions.ToList();
        foreach (var key in runtimeConfig.Keys)
        {
            if (GroupVersionOf(key) is { } gv && gv.Group.Length > 0
                && all.Any(d => d.Group == gv.Group) && !all.Any(d => d.Group == gv.Group && d.Version == gv.Version))
            {
                throw new FormatException($"invalid value for flag --runtime-config: group version {gv.Group}/{gv.Version} that has not been registered");
            }
        }

        return all.Where(d => Serves(d, runtimeConfig)).ToList();
    }

    /// <summary>Whether one resource is served under the runtime config.</summary>
    public static bool Serves(ResourceDefinition definition, IReadOnlyDictionary<string, bool> runtimeConfig)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(runtimeConfig);
        if (definition.Group.Length == 0)
        {
            return true;
        }

        var groupVersion = definition.Group + "/" + definition.Version;
        if (runtimeConfig.TryGetValue(groupVersion + "/" + definition.Plural, out var resource))
        {
            return resource;
        }

        if (runtimeConfig.TryGetValue(groupVersion, out var explicitly))
        {
            return explicitly;
        }

        var stageKey = definition.Version.Contains("alpha", StringComparison.Ordinal) ? Alpha
            : definition.Version.Contains("beta", StringComparison.Ordinal) ? Beta
            : GA;
        if (runtimeConfig.TryGetValue(stageKey, out var stage))
        {
            return stage;
        }

        return runtimeConfig.TryGetValue(All, out var all) ? all : stageKey == GA;
    }

    /// <summary>The group and version of a "group/version" or "group/version/resource" key; null for the api/* keys.</summary>
    private static (string Group, string Version)? GroupVersionOf(string key)
    {
        var parts = key.Split('/');
        return parts[0] == "api" || parts.Length is < 2 or > 3 ? null : (parts[0], parts[1]);
    }
}
