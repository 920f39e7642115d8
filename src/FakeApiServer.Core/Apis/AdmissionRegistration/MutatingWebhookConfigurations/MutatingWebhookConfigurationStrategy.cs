using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.AdmissionRegistration.MutatingWebhookConfigurations;

/// <summary>admissionregistration.k8s.io/v1 MutatingWebhookConfiguration: v1 defaults, then upstream's validation; no status.</summary>
internal sealed class MutatingWebhookConfigurationStrategy() : ResourceStrategy(hasStatus: false)
{
    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        WebhookDefaults.Apply(obj, mutating: true);
    }

    public override void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        base.PrepareForUpdate(newObj, oldObj);
        WebhookDefaults.Apply(newObj, mutating: true);
    }

    public override IReadOnlyList<FieldError> Validate(JsonObject obj) => WebhookConfigurationValidation.Validate(obj, mutating: true);
}
