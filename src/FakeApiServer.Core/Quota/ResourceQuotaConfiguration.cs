using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Quota;

/// <summary>
/// The ResourceQuota plugin's configuration from --admission-control-config-file (ResourceQuotaConfiguration of
/// apiserver.config.k8s.io/v1, or resourcequota.admission.k8s.io/v1beta1 and v1alpha1): its limitedResources. A write
/// to a listed resource (apiGroup and resource) whose usage has a resource name containing one of the entry's
/// matchContains strings may only be made in a namespace with a quota that covers that name ("limited by default").
/// matchScopes is read but not enforced.
/// </summary>
internal sealed class ResourceQuotaConfiguration
{
    public const string Kind = "ResourceQuotaConfiguration";

    private static readonly string[] ApiVersions =
        ["apiserver.config.k8s.io/v1", "resourcequota.admission.k8s.io/v1beta1", "resourcequota.admission.k8s.io/v1alpha1"];

    private readonly IReadOnlyList<(string Group, string Resource, IReadOnlyList<string> MatchContains)> _limited;

    private ResourceQuotaConfiguration(IReadOnlyList<(string, string, IReadOnlyList<string>)> limited) => _limited = limited;

    /// <summary>No configuration: nothing is limited by default.</summary>
    public static ResourceQuotaConfiguration Default { get; } = new([]);

    /// <summary>The configuration of a decoded document (null: the default); throws <see cref="FormatException"/> when it is not one.</summary>
    public static ResourceQuotaConfiguration Parse(JsonObject? document)
    {
        if (document is null)
        {
            return Default;
        }

        var apiVersion = document.GetString("apiVersion") ?? "";
        var kind = document.GetString("kind") ?? "";
        if (!ApiVersions.Contains(apiVersion, StringComparer.Ordinal) || kind != Kind)
        {
            throw new FormatException(
                $"ResourceQuota configuration error: expected kind {Kind} of {string.Join(", ", ApiVersions)}, got kind \"{kind}\" of \"{apiVersion}\"");
        }

        var limited = (document["limitedResources"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(l => (l.GetString("apiGroup") ?? "", l.GetString("resource") ?? "",
                (IReadOnlyList<string>)[.. (l["matchContains"] as JsonArray ?? []).OfType<JsonValue>().Select(v => v.TryGetValue(out string? s) ? s : "")]))
            .ToList();
        return new ResourceQuotaConfiguration(limited);
    }

    /// <summary>upstream's limitedByDefault: the names of <paramref name="usage"/> that must be covered by a quota.</summary>
    public IReadOnlyList<string> LimitedNames(string group, string resource, QuantityList usage)
    {
        var contains = _limited.Where(l => l.Group == group && l.Resource == resource).SelectMany(l => l.MatchContains).ToList();
        return contains.Count == 0 ? [] : [.. usage.Keys.Where(name => contains.Any(c => name.Contains(c, StringComparison.Ordinal)))];
    }

    /// <summary>Whether any entry names the resource (then a namespace without quotas is checked too).</summary>
    public bool Limits(string group, string resource) => _limited.Any(l => l.Group == group && l.Resource == resource);
}
