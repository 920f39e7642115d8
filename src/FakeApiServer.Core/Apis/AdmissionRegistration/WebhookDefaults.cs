using System.Text.Json.Nodes;

namespace FakeApiServer.Apis.AdmissionRegistration;

/// <summary>
/// admissionregistration/v1 defaults (SetDefaults_ValidatingWebhook / MutatingWebhook / Rule / ServiceReference):
/// failurePolicy Fail, matchPolicy Equivalent, empty namespace and object selectors, timeoutSeconds 10,
/// reinvocationPolicy Never (mutating), rule scope "*", service port 443.
/// </summary>
internal static class WebhookDefaults
{
    public static void Apply(JsonObject configuration, bool mutating)
    {
        if (configuration["webhooks"] is not JsonArray webhooks)
        {
            return;
        }

        foreach (var webhook in webhooks.OfType<JsonObject>())
        {
            webhook["failurePolicy"] ??= "Fail";
            webhook["matchPolicy"] ??= "Equivalent";
            webhook["namespaceSelector"] ??= new JsonObject();
            webhook["objectSelector"] ??= new JsonObject();
            webhook["timeoutSeconds"] ??= 10;
            if (mutating)
            {
                webhook["reinvocationPolicy"] ??= "Never";
            }

            foreach (var rule in (webhook["rules"] as JsonArray ?? []).OfType<JsonObject>())
            {
                rule["scope"] ??= "*";
            }

            if (webhook["clientConfig"]?["service"] is JsonObject service)
            {
                service["port"] ??= 443;
            }
        }
    }
}
