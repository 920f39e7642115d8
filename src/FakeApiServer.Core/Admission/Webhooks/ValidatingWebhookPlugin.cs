namespace FakeApiServer.Admission.Webhooks;

/// <summary>kube-apiserver's ValidatingAdmissionWebhook: the ValidatingWebhookConfigurations' webhooks, in the validating phase.</summary>
internal sealed class ValidatingWebhookPlugin : IValidatingAdmissionPlugin
{
    public const string PluginName = "ValidatingAdmissionWebhook";

    private readonly WebhookDispatcher _webhooks;

    public ValidatingWebhookPlugin(WebhookDispatcher webhooks) => _webhooks = webhooks;

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) => true;

    public ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken) => _webhooks.ValidateAsync(request, cancellationToken);
}
