using System.Text.Json.Nodes;
using FakeApiServer.Api;

namespace FakeApiServer.Observability.Audit;

/// <summary>
/// An audit policy (audit.k8s.io/v1 Policy, --audit-policy-file): the first rule that matches a request decides its
/// level; a request no rule matches is not audited. The policy's omitStages are added to every rule's.
/// </summary>
internal sealed class AuditPolicy
{
    private const string ApiVersion = "audit.k8s.io/v1";

    private readonly IReadOnlyList<AuditPolicyRule> _rules;
    private readonly IReadOnlySet<string> _omitStages;
    private readonly bool _omitManagedFields;

    public AuditPolicy(IReadOnlyList<AuditPolicyRule> rules, IReadOnlySet<string>? omitStages = null, bool omitManagedFields = false)
    {
        _omitStages = omitStages ?? new HashSet<string>();
        _rules = [.. rules.Select(r => r with { OmitStages = new HashSet<string>(r.OmitStages.Concat(_omitStages), StringComparer.Ordinal) })];
        _omitManagedFields = omitManagedFields;
    }

    public IReadOnlyList<AuditPolicyRule> Rules => _rules;

    /// <summary>The level, stages and managedFields choice of one request (upstream's EvaluatePolicyRule).</summary>
    public AuditRequestConfig Evaluate(AuditAttributes request)
    {
        foreach (var rule in _rules)
        {
            if (rule.Matches(request))
            {
                return new AuditRequestConfig(rule.Level, rule.OmitStages, rule.OmitManagedFields ?? _omitManagedFields);
            }
        }

        return new AuditRequestConfig(AuditLevel.None, _omitStages, _omitManagedFields);
    }

    /// <summary>Reads a policy file (YAML or JSON); <see cref="FormatException"/> with upstream's wording when it is not a valid policy.</summary>
    public static AuditPolicy Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"failed to read file path \"{path}\": {e.Message}", e);
        }

        return Parse(bytes, path);
    }

    /// <summary>Parses a policy document; <paramref name="source"/> names it in errors.</summary>
    public static AuditPolicy Parse(byte[] document, string source)
    {
        try
        {
            return Read(document, source);
        }
        catch (InvalidOperationException e)
        {
            // A field of the wrong type (a number where a string belongs).
            throw new FormatException($"failed decoding file \"{source}\": {e.Message}", e);
        }
    }

    private static AuditPolicy Read(byte[] document, string source)
    {
        JsonObject policy;
        try
        {
            policy = YamlJson.Parse(document) as JsonObject ?? throw new FormatException("not an object");
        }
        catch (ApiException e)
        {
            throw new FormatException($"failed decoding file \"{source}\": {e.Message}", e);
        }

        var apiVersion = policy["apiVersion"]?.GetValue<string>();
        var kind = policy["kind"]?.GetValue<string>();
        if (apiVersion != ApiVersion || kind != "Policy")
        {
            throw new FormatException($"failed decoding file \"{source}\": expected {ApiVersion} Policy, got {apiVersion ?? "no apiVersion"} {kind ?? "no kind"}");
        }

        var errors = new List<string>();
        var rules = new List<AuditPolicyRule>();
        if (policy["rules"] is JsonArray items)
        {
            for (var i = 0; i < items.Count; i++)
            {
                rules.Add(ParseRule(items[i] as JsonObject ?? [], $"rules[{i}]", errors));
            }
        }

        var omitStages = Stages(policy["omitStages"], "omitStages", errors);
        if (errors.Count > 0)
        {
            throw new FormatException($"invalid audit policy file \"{source}\": {string.Join(", ", errors)}");
        }

        if (rules.Count == 0)
        {
            throw new FormatException($"loaded illegal policy with 0 rules from file {source}");
        }

        return new AuditPolicy(rules, omitStages, policy["omitManagedFields"]?.GetValue<bool>() ?? false);
    }

    private static AuditPolicyRule ParseRule(JsonObject rule, string path, List<string> errors)
    {
        var levelText = rule["level"]?.GetValue<string>() ?? "";
        if (!Enum.TryParse<AuditLevel>(levelText, ignoreCase: false, out var level) || !Enum.IsDefined(level) || int.TryParse(levelText, out _))
        {
            errors.Add($"{path}.level: Unsupported value: \"{levelText}\": supported values: \"None\", \"Metadata\", \"Request\", \"RequestResponse\"");
        }

        var resources = rule["resources"] is JsonArray groups
            ? groups.OfType<JsonObject>().Select(g => new AuditGroupResources
            {
                Group = g["group"]?.GetValue<string>() ?? "",
                Resources = Strings(g["resources"]),
                ResourceNames = Strings(g["resourceNames"]),
            }).ToList()
            : [];
        var namespaces = Strings(rule["namespaces"]);
        var urls = Strings(rule["nonResourceURLs"]);
        if (urls.Count > 0 && (resources.Count > 0 || namespaces.Count > 0))
        {
            errors.Add($"{path}.nonResourceURLs: Invalid value: {urls.Count} items: rules cannot apply to both regular resources and non-resource URLs");
        }

        for (var i = 0; i < urls.Count; i++)
        {
            var url = urls[i];
            if (url != "*" && (!url.StartsWith('/') || url.TrimEnd('*').Contains('*', StringComparison.Ordinal)))
            {
                errors.Add($"{path}.nonResourceURLs[{i}]: Invalid value: \"{url}\": non-resource URLs must start with '/' and may end with a single '*'");
            }
        }

        return new AuditPolicyRule
        {
            Level = level,
            Users = Strings(rule["users"]),
            UserGroups = Strings(rule["userGroups"]),
            Verbs = Strings(rule["verbs"]),
            Resources = resources,
            Namespaces = namespaces,
            NonResourceUrls = urls,
            OmitStages = Stages(rule["omitStages"], path + ".omitStages", errors),
            OmitManagedFields = rule["omitManagedFields"]?.GetValue<bool>(),
        };
    }

    private static HashSet<string> Stages(JsonNode? node, string path, List<string> errors)
    {
        var stages = Strings(node);
        for (var i = 0; i < stages.Count; i++)
        {
            if (!AuditStage.All.Contains(stages[i]))
            {
                errors.Add($"{path}[{i}]: Unsupported value: \"{stages[i]}\": supported values: \"RequestReceived\", \"ResponseStarted\", \"ResponseComplete\", \"Panic\"");
            }
        }

        return new HashSet<string>(stages, StringComparer.Ordinal);
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(n => n?.GetValue<string>() ?? "")] : [];
}
