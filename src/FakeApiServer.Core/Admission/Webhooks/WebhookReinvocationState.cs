using System.Text.Json.Nodes;

namespace FakeApiServer.Admission.Webhooks;

/// <summary>
/// The mutating webhooks' reinvocation bookkeeping of one request (upstream's webhookReinvokeContext): which IfNeeded
/// webhooks ran, which must run again, and the object as the webhooks last left it.
/// </summary>
internal sealed class WebhookReinvocationState
{
    public HashSet<string> Invoked { get; } = new(StringComparer.Ordinal);

    public HashSet<string> ToReinvoke { get; } = new(StringComparer.Ordinal);

    public JsonObject? LastOutput { get; set; }
}
