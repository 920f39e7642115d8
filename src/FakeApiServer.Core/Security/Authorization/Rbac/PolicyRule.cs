using System.Text.Json.Nodes;

namespace FakeApiServer.Security.Authorization.Rbac;

/// <summary>rbac.authorization.k8s.io/v1 PolicyRule: verbs on API groups and resources (optionally named), or on non-resource URLs.</summary>
internal sealed record PolicyRule
{
    public IReadOnlyList<string> Verbs { get; init; } = [];

    public IReadOnlyList<string> ApiGroups { get; init; } = [];

    public IReadOnlyList<string> Resources { get; init; } = [];

    public IReadOnlyList<string> ResourceNames { get; init; } = [];

    public IReadOnlyList<string> NonResourceUrls { get; init; } = [];

    /// <summary>Reads a rule from its JSON form; absent or malformed lists are empty.</summary>
    public static PolicyRule FromJson(JsonObject rule) => new()
    {
        Verbs = Strings(rule["verbs"]),
        ApiGroups = Strings(rule["apiGroups"]),
        Resources = Strings(rule["resources"]),
        ResourceNames = Strings(rule["resourceNames"]),
        NonResourceUrls = Strings(rule["nonResourceURLs"]),
    };

    /// <summary>The rules of a Role or ClusterRole object.</summary>
    public static IReadOnlyList<PolicyRule> ListFromJson(JsonNode? rules) =>
        rules is JsonArray array ? array.OfType<JsonObject>().Select(FromJson).ToList() : [];

    /// <summary>The JSON form, omitting empty lists as the API does.</summary>
    public JsonObject ToJson()
    {
        var rule = new JsonObject();
        Add(rule, "verbs", Verbs, always: true);
        Add(rule, "apiGroups", ApiGroups, always: false);
        Add(rule, "resources", Resources, always: false);
        Add(rule, "resourceNames", ResourceNames, always: false);
        Add(rule, "nonResourceURLs", NonResourceUrls, always: false);
        return rule;
    }

    /// <summary>Upstream's PolicyRule.CompactString: <c>{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}</c>.</summary>
    public string CompactString()
    {
        var parts = new List<string>();
        AddQuoted(parts, "APIGroups", ApiGroups);
        AddQuoted(parts, "Resources", Resources);
        AddQuoted(parts, "NonResourceURLs", NonResourceUrls);
        AddQuoted(parts, "ResourceNames", ResourceNames);
        AddQuoted(parts, "Verbs", Verbs);
        return "{" + string.Join(", ", parts) + "}";
    }

    /// <summary>A list of strings as Go's %q prints a []string: <c>["a" "b"]</c>.</summary>
    public static string GoQuoted(IEnumerable<string> values) =>
        "[" + string.Join(' ', values.Select(GoQuote)) + "]";

    /// <summary>A string as Go's %q prints it (backslashes and quotes escaped).</summary>
    public static string GoQuote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    public bool Equals(PolicyRule? other) =>
        other is not null && Verbs.SequenceEqual(other.Verbs) && ApiGroups.SequenceEqual(other.ApiGroups) && Resources.SequenceEqual(other.Resources)
        && ResourceNames.SequenceEqual(other.ResourceNames) && NonResourceUrls.SequenceEqual(other.NonResourceUrls);

    public override int GetHashCode() => HashCode.Combine(string.Join(',', Verbs), string.Join(',', ApiGroups), string.Join(',', Resources),
        string.Join(',', ResourceNames), string.Join(',', NonResourceUrls));

    private static void AddQuoted(List<string> parts, string name, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
        {
            parts.Add(name + ":" + GoQuoted(values));
        }
    }

    private static void Add(JsonObject rule, string name, IReadOnlyList<string> values, bool always)
    {
        if (always || values.Count > 0)
        {
            rule[name] = new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }
    }

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : null).OfType<string>().ToArray() : [];
}
