using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Admission.Webhooks;

/// <summary>
/// The webhooks of the stored Mutating- or ValidatingWebhookConfigurations, configurations sorted by name and webhooks
/// in their order, as upstream's configuration managers give them. Parsed again only when the stored set changed:
/// revisions only grow, so the count and the highest revision identify a set.
/// </summary>
internal sealed class WebhookSource
{
    public const string MutatingPrefix = "/admissionregistration.k8s.io/mutatingwebhookconfigurations/";

    public const string ValidatingPrefix = "/admissionregistration.k8s.io/validatingwebhookconfigurations/";

    private readonly IRevisionedStore _store;
    private readonly string _prefix;
    private readonly Lock _lock = new();
    private (int Count, long Revision, IReadOnlyList<Webhook> Webhooks) _cached = (0, 0, []);

    public WebhookSource(IRevisionedStore store, string prefix)
    {
        _store = store;
        _prefix = prefix;
    }

    public IReadOnlyList<Webhook> Current()
    {
        var snapshot = _store.Latest;
        var count = snapshot.CountRange(_prefix);
        if (count == 0)
        {
            return [];
        }

        var stored = snapshot.Range(_prefix).ToList();
        var revision = stored.Max(s => s.Revision);
        lock (_lock)
        {
            if (_cached.Count == count && _cached.Revision == revision)
            {
                return _cached.Webhooks;
            }
        }

        var webhooks = stored.Select(s => ObjectJson.Parse(s.Value))
            .OrderBy(c => c.Name(), StringComparer.Ordinal)
            .SelectMany(Webhook.FromConfiguration)
            .ToList();
        lock (_lock)
        {
            _cached = (count, revision, webhooks);
        }

        return webhooks;
    }
}
