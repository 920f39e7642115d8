namespace FakeApiServer.Admission.Webhooks;

/// <summary>kube-apiserver's MutatingAdmissionWebhook: the MutatingWebhookConfigurations' webhooks, in the mutating phase.</summary>
internal sealed class MutatingWebhookPlugin : IMutatingAdmissionPlugin
{
    public const string PluginName = "MutatingAdmissionWebhook";

    private readonly WebhookDispatcher _webhooks;

    public MutatingWebhookPlugin(WebhookDispatcher webhooks) => _webhooks = webhooks;

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) => true;

    public ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken) => _webhooks.MutateAsync(request, cancellationToken);
}
