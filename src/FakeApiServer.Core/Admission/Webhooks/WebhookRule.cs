using System.Text.Json.Nodes;

namespace FakeApiServer.Admission.Webhooks;

/// <summary>One RuleWithOperations of a webhook: operations, apiGroups, apiVersions, resources ("pods", "pods/status", "*", "*/*", "pods/*") and scope.</summary>
internal sealed record WebhookRule(
    IReadOnlyList<string> Operations, IReadOnlyList<string> Groups, IReadOnlyList<string> Versions, IReadOnlyList<string> Resources, string Scope)
{
    public static WebhookRule Parse(JsonObject rule) => new(
        Strings(rule["operations"]), Strings(rule["apiGroups"]), Strings(rule["apiVersions"]), Strings(rule["resources"]),
        (rule["scope"] as JsonValue)?.GetValue<string>() is { Length: > 0 } scope ? scope : "*");

    /// <summary>upstream's rules.Matcher: operation, group, version, resource/subresource and scope all match.</summary>
    public bool Matches(AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var definition = request.Definition;
        return Any(Operations, request.Operation.WireName())
            && Any(Groups, definition.Group)
            && Any(Versions, definition.Version)
            && MatchesResource(definition.Plural, request.Subresource)
            && MatchesScope(request);
    }

    private bool MatchesResource(string resource, string subresource)
    {
        foreach (var item in Resources)
        {
            var slash = item.IndexOf('/', StringComparison.Ordinal);
            var (res, sub) = slash < 0 ? (item, "") : (item[..slash], item[(slash + 1)..]);
            if ((res == "*" || res == resource) && (sub == "*" || sub == subresource))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Namespace objects count as cluster-scoped, as upstream's matcher has it.</summary>
    private bool MatchesScope(AdmissionRequest request)
    {
        var isNamespace = request.Definition.Group.Length == 0 && request.Definition.Plural == "namespaces";
        return Scope switch
        {
            "Namespaced" => !isNamespace && request.Definition.Namespaced,
            "Cluster" => isNamespace || !request.Definition.Namespaced,
            _ => true,
        };
    }

    private static bool Any(IReadOnlyList<string> values, string value) => values.Any(v => v == "*" || v == value);

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : "")] : [];
}
