using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Api.Patching;
using FakeApiServer.Admission.Plugins;
using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Admission.Webhooks;

/// <summary>
/// Calls the admission webhooks that match a request (upstream's generic webhook dispatchers): rules, then
/// namespaceSelector, then objectSelector; dry-run only for side-effect-free webhooks; a call failure fails the
/// request (500) under failurePolicy Fail and is logged and skipped under Ignore; a denial becomes upstream's
/// <c>admission webhook "x" denied the request: ...</c>; warnings go to the client. Mutating webhooks run one by one
/// and their JSONPatch is applied at once; webhook configurations themselves are never sent to webhooks.
/// </summary>
internal sealed partial class WebhookDispatcher
{
    private readonly IRevisionedStore _store;
    private readonly WebhookSource _mutating;
    private readonly WebhookSource _validating;
    private readonly WebhookClient _client;
    private readonly ILogger _logger;

    public WebhookDispatcher(IRevisionedStore store, WebhookOptions options, TimeProvider time, ILogger logger)
    {
        _store = store;
        _mutating = new WebhookSource(store, WebhookSource.MutatingPrefix);
        _validating = new WebhookSource(store, WebhookSource.ValidatingPrefix);
        _client = new WebhookClient(options, time);
        _logger = logger;
    }

    /// <summary>Runs the matching mutating webhooks; in the chain's second pass only those that need reinvoking.</summary>
    public async ValueTask MutateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (IsExempt(request) || _mutating.Current() is not { Count: > 0 } webhooks)
        {
            return;
        }

        var state = request.Reinvocation.State<WebhookReinvocationState>(MutatingWebhookPlugin.PluginName);
        var reinvoke = request.Reinvocation.IsReinvoke;
        if (reinvoke && !JsonNode.DeepEquals(state.LastOutput, request.Object))
        {
            // Built-in plugins changed the object in the second pass: every IfNeeded webhook sees it again.
            state.ToReinvoke.UnionWith(state.Invoked);
        }

        foreach (var webhook in webhooks)
        {
            if (!Matches(webhook, request) || (reinvoke && !state.ToReinvoke.Remove(webhook.Id)))
            {
                continue;
            }

            var response = await TimedCallAsync(webhook, request, AdmissionMetrics.Admit, cancellationToken);
            if (response is not null && request.Object is { } current && Patched(webhook, response, current) is { } patched
                && !JsonNode.DeepEquals(patched, current))
            {
                request.Object = patched;
                state.ToReinvoke.UnionWith(state.Invoked);
                request.Reinvocation.ShouldReinvoke = true;
            }

            if (webhook.ReinvocationPolicy == "IfNeeded")
            {
                state.Invoked.Add(webhook.Id);
            }
        }

        state.LastOutput = request.Object?.DeepClone() as JsonObject;
    }

    /// <summary>Runs the matching validating webhooks in order; the first denial or failure wins.</summary>
    public async ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (IsExempt(request) || _validating.Current() is not { Count: > 0 } webhooks)
        {
            return;
        }

        foreach (var webhook in webhooks)
        {
            if (Matches(webhook, request))
            {
                await TimedCallAsync(webhook, request, AdmissionMetrics.Validate, cancellationToken);
            }
        }
    }

    /// <summary>Whether a webhook wants the request: a rule, the namespace's labels and the object's labels all match.</summary>
    public bool Matches(Webhook webhook, AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(request);
        if (!webhook.Rules.Any(r => r.Matches(request)))
        {
            return false;
        }

        if (!webhook.NamespaceSelector.IsEverything && NamespaceLabels(request) is { } namespaceLabels && !webhook.NamespaceSelector.Matches(namespaceLabels))
        {
            return false;
        }

        return webhook.ObjectSelector.IsEverything
            || (request.Object is { } obj && webhook.ObjectSelector.Matches(obj.Labels()))
            || (request.OldObject is { } old && webhook.ObjectSelector.Matches(old.Labels()));
    }

    /// <summary>
    /// The labels a namespaceSelector sees: a namespace's own, the request namespace's for namespaced objects (none
    /// when it does not exist), or null for other cluster-scoped objects, which every namespaceSelector matches.
    /// </summary>
    private Dictionary<string, string>? NamespaceLabels(AdmissionRequest request)
    {
        if (request.Definition.Group.Length == 0 && request.Definition.Plural == "namespaces")
        {
            return (request.Object ?? request.OldObject)?.Labels() ?? [];
        }

        if (!request.Definition.Namespaced || request.Namespace.Length == 0)
        {
            return null;
        }

        return _store.Latest.Get(NamespaceLifecyclePlugin.NamespaceKey(request.Namespace)) is { } ns ? ObjectJson.Parse(ns.Value).Labels() : [];
    }

    /// <summary>The latencies of the webhook calls, or null when metrics are off.</summary>
    public AdmissionMetrics? Metrics { get; init; }

    /// <summary><see cref="CallAsync"/>, timed for apiserver_admission_webhook_admission_duration_seconds.</summary>
    private async Task<JsonObject?> TimedCallAsync(Webhook webhook, AdmissionRequest request, string type, CancellationToken cancellationToken)
    {
        if (Metrics is not { } metrics)
        {
            return await CallAsync(webhook, request, cancellationToken);
        }

        var started = metrics.Time.GetTimestamp();
        var rejected = true;
        try
        {
            var response = await CallAsync(webhook, request, cancellationToken);
            rejected = false;
            return response;
        }
        finally
        {
            metrics.ObserveWebhook(started, webhook.Name, type, request.Operation, rejected);
        }
    }

    /// <summary>Calls one webhook; returns its allowed response, null when it failed open, and throws for a denial or a failure.</summary>
    private async Task<JsonObject?> CallAsync(Webhook webhook, AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (request.DryRun && webhook.SideEffects is not ("None" or "NoneOnDryRun"))
        {
            throw ApiException.BadRequest($"admission webhook \"{webhook.Name}\" does not support dry run");
        }

        JsonObject response;
        try
        {
            if (!webhook.AdmissionReviewVersions.Contains("v1"))
            {
                throw new WebhookCallException(
                    $"webhook does not accept known AdmissionReview versions: {string.Join(", ", webhook.AdmissionReviewVersions)}; this server sends v1");
            }

            var uid = Guid.NewGuid().ToString();
            var review = await _client.PostAsync(webhook, AdmissionReview.Request(request, uid, request.DryRun), cancellationToken);
            response = AdmissionReview.Response(review, uid);
            Log.Called(_logger, webhook.Name, request.Operation, request.Resource, request.Name);
        }
        catch (WebhookCallException e)
        {
            var message = $"failed calling webhook \"{webhook.Name}\": {e.Message}";
            if (webhook.FailurePolicy == "Ignore")
            {
                Log.FailingOpen(_logger, webhook.Name, e.Message);
                return null;
            }

            throw new ApiException(500, "InternalError", "Internal error occurred: " + message,
                new StatusDetails(null, null, null) { Causes = [new StatusCause("", message, "")] });
        }

        if (response["warnings"] is JsonArray warnings)
        {
            foreach (var warning in warnings.OfType<JsonValue>())
            {
                if (warning.TryGetValue(out string? text) && text.Length > 0)
                {
                    request.Warnings.Add(text);
                }
            }
        }

        if (response["allowed"]?.GetValueKind() != JsonValueKind.True)
        {
            throw Denied(webhook.Name, response["status"] as JsonObject);
        }

        return response;
    }

    /// <summary>upstream's webhookerrors.ToStatusErr: the webhook's Status, at least 400, with the denial prefixed.</summary>
    private static ApiException Denied(string webhook, JsonObject? status)
    {
        var deniedBy = $"admission webhook \"{webhook}\" denied the request";
        var code = (int)(status?.GetInt64("code") ?? 0);
        var reason = status?.GetString("reason") ?? "";
        var message = status?.GetString("message") is { Length: > 0 } text ? $"{deniedBy}: {text}"
            : reason.Length > 0 ? $"{deniedBy}: {reason}"
            : deniedBy + " without explanation";
        return new ApiException(code < 400 ? 400 : code, reason, message);
    }

    /// <summary>The object after the response's JSONPatch, or null when the response has none.</summary>
    private static JsonObject? Patched(Webhook webhook, JsonObject response, JsonObject current)
    {
        if (response.GetString("patch") is not { Length: > 0 } encoded)
        {
            return null;
        }

        if (response.GetString("patchType") is var patchType && patchType != "JSONPatch")
        {
            throw Internal($"unsupported patch type \"{patchType}\" from webhook \"{webhook.Name}\"");
        }

        try
        {
            var patch = JsonNode.Parse(Convert.FromBase64String(encoded));
            return JsonPatch.Apply(current, patch) as JsonObject ?? throw Internal($"the patch of webhook \"{webhook.Name}\" does not produce an object");
        }
        catch (Exception e) when (e is FormatException or JsonException or JsonPatchException)
        {
            throw Internal(e.Message);
        }
    }

    private static ApiException Internal(string message) =>
        new(500, "InternalError", "Internal error occurred: " + message, new StatusDetails(null, null, null) { Causes = [new StatusCause("", message, "")] });

    /// <summary>Webhook and admission policy configurations are never sent to webhooks, so a broken webhook cannot lock them.</summary>
    private static bool IsExempt(AdmissionRequest request) =>
        request.Definition.Group == "admissionregistration.k8s.io"
        && request.Definition.Plural is "mutatingwebhookconfigurations" or "validatingwebhookconfigurations"
            or "validatingadmissionpolicies" or "validatingadmissionpolicybindings" or "mutatingadmissionpolicies" or "mutatingadmissionpolicybindings";

    private static partial class Log
    {
        [LoggerMessage(EventId = 600, Level = LogLevel.Debug, Message = "Called admission webhook {Webhook} for {Operation} {Resource} {Name}")]
        public static partial void Called(ILogger logger, string webhook, AdmissionOperation operation, GroupResource resource, string name);

        [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "Failed calling webhook {Webhook}, failing open: {Reason}")]
        public static partial void FailingOpen(ILogger logger, string webhook, string reason);
    }
}
