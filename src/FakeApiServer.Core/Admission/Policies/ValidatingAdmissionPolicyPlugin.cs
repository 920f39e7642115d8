using System.Text.Json.Nodes;
using FakeApiServer.Admission.Plugins;
using FakeApiServer.Api;
using FakeApiServer.Registry;
using FakeApiServer.Schema.Cel;
using FakeApiServer.Schema.Cel.Library;
using FakeApiServer.Security;
using FakeApiServer.Security.Authorization;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Admission.Policies;

/// <summary>
/// kube-apiserver's ValidatingAdmissionPolicy plugin (upstream's validating policy dispatcher): for each policy whose
/// matchConstraints match and each of its bindings whose matchResources match, with each param the binding selects,
/// the matchConditions gate, then each validation is judged; a failed one is denied, warned about (a Warning header:
/// <c>Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': msg</c>) or audited, as the binding's
/// validationActions say. Expression errors and configuration errors deny under failurePolicy Fail and are skipped
/// under Ignore. The first denial is the answer: <c>ValidatingAdmissionPolicy 'p' with binding 'b' denied request: msg</c>,
/// with the validation's reason (Invalid by default) and its code. Audit annotations and Audit actions are logged:
/// this server keeps no audit log.
/// </summary>
internal sealed partial class ValidatingAdmissionPolicyPlugin : IValidatingAdmissionPlugin
{
    public const string PluginName = "ValidatingAdmissionPolicy";

    /// <summary>celconfig.MaxEvaluatedMessageExpressionSizeBytes: a longer messageExpression result is not used.</summary>
    private const int MaxMessageLength = 5 * 1024;

    private readonly IRevisionedStore _store;
    private readonly PolicySource _policies;
    private readonly PolicyParams _params;
    private readonly IAuthorizer _authorizer;
    private readonly ILogger _logger;

    public ValidatingAdmissionPolicyPlugin(IRevisionedStore store, IAuthorizer authorizer, Func<string, string, ResourceDefinition?> kinds, ILogger logger)
    {
        _store = store;
        _policies = new PolicySource(store);
        _params = new PolicyParams(store, kinds);
        _authorizer = authorizer;
        _logger = logger;
    }

    public string Name => PluginName;

    /// <summary>Policies and bindings themselves are never subject to policies, so a broken policy cannot lock them.</summary>
    public bool Handles(AdmissionRequest request) =>
        !(request.Definition.Group == "admissionregistration.k8s.io"
          && request.Definition.Plural is "validatingadmissionpolicies" or "validatingadmissionpolicybindings" or "mutatingadmissionpolicies" or "mutatingadmissionpolicybindings");

    public ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hooks = _policies.Current();
        if (hooks.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        var namespaceObject = NamespaceObject(request);
        var namespaceLabels = NamespaceLabels(request, namespaceObject);
        var authorizer = Authorizer(request);
        Denial? denied = null;
        foreach (var (policy, bindings) in hooks)
        {
            if (!policy.Match.Matches(request, namespaceLabels))
            {
                continue;
            }

            if (policy.ConfigurationError is { } policyError)
            {
                denied ??= policy.FailOpen ? null : new Denial(policy.Name, null, "failed to configure policy: " + policyError, "");
                continue;
            }

            foreach (var binding in bindings)
            {
                if (binding.Match is { } match && !match.Matches(request, namespaceLabels))
                {
                    continue;
                }

                IReadOnlyList<JsonObject?> parameters;
                try
                {
                    parameters = _params.Collect(policy, binding, request);
                }
                catch (PolicyExpressionException e)
                {
                    denied ??= policy.FailOpen ? null : new Denial(policy.Name, binding.Name, "failed to configure binding: " + e.Message, "");
                    continue;
                }

                foreach (var param in parameters)
                {
                    var activation = new PolicyActivation(request, param, namespaceObject, authorizer, policy.Variables);
                    foreach (var failure in Validate(policy, activation))
                    {
                        denied ??= Act(policy, binding, failure, request);
                    }
                }
            }
        }

        return denied is { } d ? throw d.ToException(request) : ValueTask.CompletedTask;
    }

    /// <summary>Applies a binding's validationActions to one failed validation; returns the denial when Deny is among them.</summary>
    private Denial? Act(ValidatingPolicy policy, PolicyBinding binding, Failure failure, AdmissionRequest request)
    {
        if (failure.AlwaysDeny)
        {
            return new Denial(policy.Name, binding.Name, failure.Message, failure.Reason);
        }

        Denial? denial = null;
        foreach (var action in binding.ValidationActions)
        {
            switch (action)
            {
                case "Deny":
                    denial = new Denial(policy.Name, binding.Name, failure.Message, failure.Reason);
                    break;
                case "Warn":
                    request.Warnings.Add($"Validation failed for ValidatingAdmissionPolicy '{policy.Name}' with binding '{binding.Name}': {failure.Message}");
                    break;
                case "Audit":
                    Log.Audited(_logger, policy.Name, binding.Name, failure.Message);
                    break;
            }
        }

        return denial;
    }

    /// <summary>One evaluation of a policy (upstream's validator.Validate): the failed validations, errors included.</summary>
    private List<Failure> Validate(ValidatingPolicy policy, PolicyActivation activation)
    {
        var failures = new List<Failure>();
        var conditionErrors = new List<string>();
        foreach (var condition in policy.MatchConditions)
        {
            try
            {
                switch (activation.Evaluate(condition.Program))
                {
                    case false:
                        return failures;
                    case true:
                        break;
                    case var other:
                        conditionErrors.Add($"expression '{condition.Program.Source}' resulted in error: no such overload: matchCondition returned {CelValues.TypeName(other)}");
                        break;
                }
            }
            catch (PolicyExpressionException e)
            {
                conditionErrors.Add(e.Message);
            }
        }

        if (conditionErrors.Count > 0)
        {
            if (!policy.FailOpen)
            {
                failures.Add(new Failure(conditionErrors.Count == 1 ? conditionErrors[0] : "[" + string.Join(", ", conditionErrors) + "]", "", false));
            }

            return failures;
        }

        foreach (var validation in policy.Validations)
        {
            try
            {
                if (activation.Evaluate(validation.Program) is not true)
                {
                    failures.Add(new Failure(Message(validation, activation), validation.Reason ?? "Invalid", false));
                }
            }
            catch (PolicyExpressionException e)
            {
                if (!policy.FailOpen)
                {
                    failures.Add(new Failure(e.Message, "", false));
                }
            }
        }

        foreach (var annotation in policy.AuditAnnotations)
        {
            try
            {
                switch (activation.Evaluate(annotation.Program))
                {
                    case string value when value.Trim().Length > 0:
                        Log.AuditAnnotation(_logger, policy.Name, annotation.Name, value);
                        break;
                    case string or CelNull:
                        break;
                    case var other:
                        failures.Add(new Failure(
                            $"valueExpression '{annotation.Program.Source}' resulted in unsupported return type: {CelValues.TypeName(other)}. Return type must be either string or null.", "", true));
                        break;
                }
            }
            catch (PolicyExpressionException e)
            {
                if (!policy.FailOpen)
                {
                    failures.Add(new Failure(e.Message, "", true));
                }
            }
        }

        return failures;
    }

    /// <summary>A failed validation's message: messageExpression's string (trimmed, one line, at most 5 KiB), else message, else the expression.</summary>
    private static string Message(PolicyExpression validation, PolicyActivation activation)
    {
        var message = "";
        if (validation.MessageExpression is { } expression)
        {
            try
            {
                if (activation.Evaluate(expression) is string text)
                {
                    message = text.Trim();
                    if (message.Length > MaxMessageLength || message.Contains('\n', StringComparison.Ordinal))
                    {
                        message = "";
                    }
                }
            }
            catch (PolicyExpressionException)
            {
                // Upstream logs the error and falls back to message.
            }
        }

        if (message.Length == 0 && validation.Message is { } fixedMessage)
        {
            message = fixedMessage.Trim();
        }

        return message.Length > 0 ? message : "failed expression: " + validation.Program.Source.Trim();
    }

    private CelAuthorizer Authorizer(AdmissionRequest request)
    {
        var user = new UserInfo(request.User.Username, request.User.Uid, request.User.Groups, new Dictionary<string, IReadOnlyList<string>>());
        var owner = new CelAuthorizer(_authorizer, user, null);
        var requestResource = new CelResourceCheck(owner, request.Definition.Group, request.Definition.Plural, request.Subresource, request.Namespace, request.Name);
        return owner with { RequestResource = requestResource };
    }

    /// <summary>The request's namespace, for namespaceObject: none for cluster-scoped objects and for a Namespace itself.</summary>
    private JsonObject? NamespaceObject(AdmissionRequest request)
    {
        if (request.Namespace.Length == 0 || request.IsResource("", "namespaces") || !request.Definition.Namespaced)
        {
            return null;
        }

        return _store.Latest.Get(NamespaceLifecyclePlugin.NamespaceKey(request.Namespace)) is { } ns ? ObjectJson.Parse(ns.Value) : null;
    }

    /// <summary>The labels a namespaceSelector sees: a namespace's own, the request namespace's, or null (matched) for other cluster-scoped objects.</summary>
    private static Dictionary<string, string>? NamespaceLabels(AdmissionRequest request, JsonObject? namespaceObject)
    {
        if (request.Definition.Group.Length == 0 && request.Definition.Plural == "namespaces")
        {
            return (request.Object ?? request.OldObject)?.Labels() ?? [];
        }

        return !request.Definition.Namespaced || request.Namespace.Length == 0 ? null : namespaceObject?.Labels() ?? [];
    }

    /// <summary>A failed validation: its message and reason; AlwaysDeny for audit annotation errors, which deny whatever the actions.</summary>
    private readonly record struct Failure(string Message, string Reason, bool AlwaysDeny);

    private sealed record Denial(string Policy, string? Binding, string Message, string Reason)
    {
        /// <summary>admission.NewForbidden's message, with the reason (Invalid when none) and its code.</summary>
        public ApiException ToException(AdmissionRequest request)
        {
            var message = Binding is null
                ? $"ValidatingAdmissionPolicy '{Policy}' denied request: {Message}"
                : $"ValidatingAdmissionPolicy '{Policy}' with binding '{Binding}' denied request: {Message}";
            var forbidden = request.Forbidden(message);
            var reason = Reason.Length > 0 ? Reason : "Invalid";
            var code = reason switch
            {
                "Forbidden" => 403,
                "Unauthorized" => 401,
                "RequestEntityTooLarge" => 413,
                _ => 422,
            };
            var details = (forbidden.Details ?? new StatusDetails(null, null, null)) with { Causes = [new StatusCause("", message, "")] };
            return new ApiException(code, reason, forbidden.Message, details);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 620, Level = LogLevel.Information, Message = "ValidatingAdmissionPolicy {Policy} with binding {Binding} audited a failed validation: {Reason}")]
        public static partial void Audited(ILogger logger, string policy, string binding, string reason);

        [LoggerMessage(EventId = 621, Level = LogLevel.Debug, Message = "Admission audit annotation {Policy}/{Key}={Value}")]
        public static partial void AuditAnnotation(ILogger logger, string policy, string key, string value);
    }
}
