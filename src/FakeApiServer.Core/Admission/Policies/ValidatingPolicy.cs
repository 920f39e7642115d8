using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Schema.Cel;

namespace FakeApiServer.Admission.Policies;

/// <summary>One CEL expression of a policy, compiled once, with the field it came from.</summary>
internal sealed record PolicyExpression(string Name, CelProgram Program, string? Message = null, string? Reason = null, CelProgram? MessageExpression = null);

/// <summary>
/// A stored ValidatingAdmissionPolicy, parsed and compiled: matchConstraints, paramKind, matchConditions, variables,
/// validations (message, messageExpression, reason), auditAnnotations and failurePolicy (Fail unless Ignore).
/// </summary>
internal sealed record ValidatingPolicy
{
    public required string Name { get; init; }

    public required PolicyMatchResources Match { get; init; }

    /// <summary>paramKind: (apiVersion, kind), or null when the policy takes no params.</summary>
    public (string ApiVersion, string Kind)? ParamKind { get; init; }

    public bool FailOpen { get; init; }

    public IReadOnlyList<PolicyExpression> MatchConditions { get; init; } = [];

    public IReadOnlyList<PolicyExpression> Variables { get; init; } = [];

    public IReadOnlyList<PolicyExpression> Validations { get; init; } = [];

    /// <summary>auditAnnotations: Name holds the key.</summary>
    public IReadOnlyList<PolicyExpression> AuditAnnotations { get; init; } = [];

    /// <summary>A policy without matchConstraints: upstream's "failed to configure policy" error.</summary>
    public string? ConfigurationError { get; init; }

    public static ValidatingPolicy Parse(JsonObject policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var spec = policy["spec"] as JsonObject ?? [];
        var paramKind = spec["paramKind"] as JsonObject;
        return new ValidatingPolicy
        {
            Name = policy.Name(),
            Match = spec["matchConstraints"] is JsonObject match ? PolicyMatchResources.Parse(match) : PolicyMatchResources.Parse([]),
            ConfigurationError = spec["matchConstraints"] is JsonObject ? null : "matchConstraints is required",
            ParamKind = paramKind is null ? null : (paramKind.GetString("apiVersion") ?? "", paramKind.GetString("kind") ?? ""),
            FailOpen = spec.GetString("failurePolicy") == "Ignore",
            MatchConditions = [.. Items(spec, "matchConditions").Select(c => new PolicyExpression(c.GetString("name") ?? "", CelProgram.Compile(c.GetString("expression") ?? "")))],
            Variables = [.. Items(spec, "variables").Select(v => new PolicyExpression(v.GetString("name") ?? "", CelProgram.Compile(v.GetString("expression") ?? "")))],
            Validations = [.. Items(spec, "validations").Select(v => new PolicyExpression(
                "", CelProgram.Compile(v.GetString("expression") ?? ""), v.GetString("message"), v.GetString("reason"),
                v.GetString("messageExpression") is { Length: > 0 } me ? CelProgram.Compile(me) : null))],
            AuditAnnotations = [.. Items(spec, "auditAnnotations").Select(a => new PolicyExpression(a.GetString("key") ?? "", CelProgram.Compile(a.GetString("valueExpression") ?? "")))],
        };
    }

    private static IEnumerable<JsonObject> Items(JsonObject spec, string field) => (spec[field] as JsonArray ?? []).OfType<JsonObject>();
}

/// <summary>A stored ValidatingAdmissionPolicyBinding: policyName, paramRef, matchResources and validationActions.</summary>
internal sealed record PolicyBinding
{
    public required string Name { get; init; }

    public required string PolicyName { get; init; }

    /// <summary>matchResources, or null: the binding then matches whatever its policy matches.</summary>
    public PolicyMatchResources? Match { get; init; }

    public JsonObject? ParamRef { get; init; }

    public IReadOnlyList<string> ValidationActions { get; init; } = [];

    public static PolicyBinding Parse(JsonObject binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var spec = binding["spec"] as JsonObject ?? [];
        return new PolicyBinding
        {
            Name = binding.Name(),
            PolicyName = spec.GetString("policyName") ?? "",
            Match = spec["matchResources"] is JsonObject match ? PolicyMatchResources.Parse(match) : null,
            ParamRef = spec["paramRef"] as JsonObject,
            ValidationActions = [.. (spec["validationActions"] as JsonArray ?? []).Select(a => a?.GetValue<string>() ?? "")],
        };
    }
}
