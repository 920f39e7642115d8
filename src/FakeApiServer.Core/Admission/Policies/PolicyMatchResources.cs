using System.Text.Json.Nodes;
using FakeApiServer.Admission.Webhooks;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Registry;

namespace FakeApiServer.Admission.Policies;

/// <summary>
/// A policy's matchConstraints or a binding's matchResources (upstream's matching.Matcher): the namespace selector,
/// the object selector, no exclude rule, then a resource rule (with its resourceNames) or, with no rules, every
/// resource. matchPolicy Exact and Equivalent match alike: every resource is served in one version.
/// </summary>
internal sealed record PolicyMatchResources(
    LabelSelector NamespaceSelector, LabelSelector ObjectSelector, IReadOnlyList<(WebhookRule Rule, IReadOnlyList<string> Names)> Rules,
    IReadOnlyList<(WebhookRule Rule, IReadOnlyList<string> Names)> ExcludeRules)
{
    public static PolicyMatchResources Parse(JsonObject match) => new(
        LabelSelector.ForAdmissionMatch(match["namespaceSelector"]), LabelSelector.ForAdmissionMatch(match["objectSelector"]), NamedRules(match["resourceRules"]), NamedRules(match["excludeResourceRules"]));

    /// <param name="request">The request.</param>
    /// <param name="namespaceLabels">The labels the namespace selector sees; null for cluster-scoped objects, which it always matches.</param>
    public bool Matches(AdmissionRequest request, IReadOnlyDictionary<string, string>? namespaceLabels)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!NamespaceSelector.IsEverything && namespaceLabels is not null && !NamespaceSelector.Matches(namespaceLabels))
        {
            return false;
        }

        if (!ObjectSelector.IsEverything
            && !(request.Object is { } obj && ObjectSelector.Matches(obj.Labels()))
            && !(request.OldObject is { } old && ObjectSelector.Matches(old.Labels())))
        {
            return false;
        }

        return !AnyMatch(ExcludeRules, request) && (Rules.Count == 0 || AnyMatch(Rules, request));
    }

    private static bool AnyMatch(IReadOnlyList<(WebhookRule Rule, IReadOnlyList<string> Names)> rules, AdmissionRequest request) =>
        rules.Any(r => r.Rule.Matches(request) && (r.Names.Count == 0 || r.Names.Contains(request.Name, StringComparer.Ordinal)));

    private static List<(WebhookRule, IReadOnlyList<string>)> NamedRules(JsonNode? node) =>
        [.. (node as JsonArray ?? []).OfType<JsonObject>().Select(r => (WebhookRule.Parse(r), (IReadOnlyList<string>)[.. (r["resourceNames"] as JsonArray ?? []).Select(n => n?.GetValue<string>() ?? "")]))];

}
