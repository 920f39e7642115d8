using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.AdmissionRegistration.ValidatingWebhookConfigurations;

/// <summary>admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration: v1 defaults, then upstream's validation; no status.</summary>
internal sealed class ValidatingWebhookConfigurationStrategy() : ResourceStrategy(hasStatus: false)
{
    public override bool TracksGeneration => true;

    /// <summary>The configuration has no spec: a change of its webhooks bumps the generation.</summary>
    public override bool GenerationChanged(JsonObject newObj, JsonObject oldObj) => !JsonNode.DeepEquals(newObj["webhooks"], oldObj["webhooks"]);

    public override IReadOnlyList<FieldError> Validate(JsonObject obj) => WebhookConfigurationValidation.Validate(obj, mutating: false);
}
