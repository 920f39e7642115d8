using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Registry;

namespace FakeApiServer.Admission.Webhooks;

/// <summary>
/// One webhook of a MutatingWebhookConfiguration or ValidatingWebhookConfiguration, with upstream's defaults applied
/// (failurePolicy Fail, matchPolicy Equivalent, timeoutSeconds 10, reinvocationPolicy Never, empty selectors).
/// </summary>
internal sealed record Webhook
{
    /// <summary>The configuration's name, then the webhook's: unique per server, the key of reinvocation bookkeeping.</summary>
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required IReadOnlyList<WebhookRule> Rules { get; init; }

    public LabelSelector NamespaceSelector { get; init; } = LabelSelector.Everything;

    public LabelSelector ObjectSelector { get; init; } = LabelSelector.Everything;

    /// <summary>Ignore or Fail: what a call that fails (not a denial) does.</summary>
    public string FailurePolicy { get; init; } = "Fail";

    /// <summary>Exact or Equivalent. Every resource is served in one version, so both match the same requests.</summary>
    public string MatchPolicy { get; init; } = "Equivalent";

    public int TimeoutSeconds { get; init; } = 10;

    /// <summary>None, NoneOnDryRun, Some or Unknown: dry-run requests only reach None and NoneOnDryRun webhooks.</summary>
    public string SideEffects { get; init; } = "Unknown";

    /// <summary>Never or IfNeeded (mutating webhooks only).</summary>
    public string ReinvocationPolicy { get; init; } = "Never";

    public IReadOnlyList<string> AdmissionReviewVersions { get; init; } = [];

    /// <summary>clientConfig.url, or null when the webhook names a service.</summary>
    public Uri? Url { get; init; }

    /// <summary>clientConfig.service: namespace, name, port (443), path.</summary>
    public (string Namespace, string Name, int Port, string Path)? Service { get; init; }

    /// <summary>clientConfig.caBundle: PEM certificates the server's certificate must chain to; empty for the system roots.</summary>
    public string CaBundle { get; init; } = "";

    /// <summary>Reads the webhooks of one stored configuration; a selector that does not parse selects nothing.</summary>
    public static IEnumerable<Webhook> FromConfiguration(JsonObject configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configName = configuration.Name();
        if (configuration["webhooks"] is not JsonArray webhooks)
        {
            yield break;
        }

        foreach (var item in webhooks.OfType<JsonObject>())
        {
            var name = item.GetString("name") ?? "";
            var client = item["clientConfig"] as JsonObject ?? [];
            var service = client["service"] as JsonObject;
            yield return new Webhook
            {
                Id = configName + "/" + name,
                Name = name,
                Rules = [.. (item["rules"] as JsonArray ?? []).OfType<JsonObject>().Select(WebhookRule.Parse)],
                NamespaceSelector = LabelSelector.ForAdmissionMatch(item["namespaceSelector"]),
                ObjectSelector = LabelSelector.ForAdmissionMatch(item["objectSelector"]),
                FailurePolicy = item.GetString("failurePolicy") ?? "Fail",
                MatchPolicy = item.GetString("matchPolicy") ?? "Equivalent",
                TimeoutSeconds = (int)(item.GetInt64("timeoutSeconds") ?? 10),
                SideEffects = item.GetString("sideEffects") ?? "Unknown",
                ReinvocationPolicy = item.GetString("reinvocationPolicy") ?? "Never",
                AdmissionReviewVersions = [.. (item["admissionReviewVersions"] as JsonArray ?? []).Select(v => v?.GetValue<string>() ?? "")],
                Url = client.GetString("url") is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null,
                Service = service is null ? null : (service.GetString("namespace") ?? "", service.GetString("name") ?? "",
                    (int)(service.GetInt64("port") ?? 443), service.GetString("path") ?? ""),
                CaBundle = client.GetString("caBundle") is { Length: > 0 } ca ? DecodeBase64(ca) : "",
            };
        }
    }

    private static string DecodeBase64(string value)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(value));
        }
        catch (FormatException)
        {
            return "";
        }
    }
}
