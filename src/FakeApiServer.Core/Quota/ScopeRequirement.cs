using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Quota;

/// <summary>
/// One scope a quota is limited to (corev1.ScopedResourceSelectorRequirement): spec.scopes become Exists requirements,
/// followed by spec.scopeSelector.matchExpressions (getScopeSelectorsFromQuota).
/// </summary>
internal sealed record ScopeRequirement(string ScopeName, string Operator, IReadOnlyList<string> Values)
{
    public static IReadOnlyList<ScopeRequirement> Of(JsonObject quota)
    {
        var result = new List<ScopeRequirement>();
        foreach (var scope in quota["spec"]?["scopes"] as JsonArray ?? [])
        {
            result.Add(new ScopeRequirement(scope?.GetValue<string>() ?? "", "Exists", []));
        }

        foreach (var expression in (quota["spec"]?["scopeSelector"]?["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var values = (expression["values"] as JsonArray ?? []).Select(v => v?.GetValue<string>() ?? "").ToList();
            result.Add(new ScopeRequirement(expression.GetString("scopeName") ?? "", expression.GetString("operator") ?? "", values));
        }

        return result;
    }

    /// <summary>
    /// The requirement as a label selector over one optional value (ScopedResourceSelectorRequirementsAsSelector):
    /// In, NotIn, Exists, DoesNotExist on <paramref name="value"/> (null when the object has none).
    /// </summary>
    public bool MatchesValue(string? value) => Operator switch
    {
        "In" => value is not null && Values.Contains(value, StringComparer.Ordinal),
        "NotIn" => value is null || !Values.Contains(value, StringComparer.Ordinal),
        "Exists" => value is not null,
        "DoesNotExist" => value is null,
        _ => false,
    };
}
