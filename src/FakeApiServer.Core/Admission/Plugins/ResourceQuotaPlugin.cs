using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Quota;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// kube-apiserver's ResourceQuota: a namespaced write that adds usage is checked against the namespace's quotas
/// (their status.hard and status.used, which the resourcequota controller fills) and, when it fits, charged to them
/// before the object is stored, so the next write sees the new usage. Writes to one namespace are checked one at a
/// time and each charge is a compare-and-swap on the quota's revision (a controller write in between makes the check
/// run again), so concurrent creates cannot overshoot a quota. Dry-run writes are checked but not charged. The
/// configuration's limitedResources (<see cref="ResourceQuotaConfiguration"/>) refuse what no quota covers.
/// </summary>
internal sealed class ResourceQuotaPlugin : IValidatingAdmissionPlugin
{
    public const string PluginName = "ResourceQuota";

    /// <summary>How often a charge is retried after a quota changed under it.</summary>
    private const int MaxAttempts = 10;

    private static readonly string QuotaPrefix = ResourceDefinition.KeyPrefixOf("", "resourcequotas");

    private readonly IRevisionedStore _store;
    private readonly TimeProvider _time;
    private readonly ResourceQuotaConfiguration _configuration;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _namespaceLocks = new(StringComparer.Ordinal);

    public ResourceQuotaPlugin(IRevisionedStore store, TimeProvider time, ResourceQuotaConfiguration? configuration = null)
    {
        _store = store;
        _time = time;
        _configuration = configuration ?? ResourceQuotaConfiguration.Default;
    }

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) =>
        request.Namespace.Length > 0 && request.Operation is AdmissionOperation.Create or AdmissionOperation.Update
        && !(request.Definition.Group.Length == 0 && request.Definition.Plural == "namespaces")
        && QuotaEvaluators.For(request.Definition.Group, request.Definition.Plural) is { } evaluator && evaluator.Handles(request);

    public async ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (QuotaEvaluators.For(request.Definition.Group, request.Definition.Plural) is not { } evaluator
            || (!_store.Latest.Range(QuotaPrefix + request.Namespace + "/").Any() && !_configuration.Limits(request.Definition.Group, request.Definition.Plural)))
        {
            return;
        }

        var gate = _namespaceLocks.GetOrAdd(request.Namespace, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await ChargeAsync(request, evaluator, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task ChargeAsync(AdmissionRequest request, QuotaEvaluator evaluator, CancellationToken cancellationToken)
    {
        HashSet<string>? pending = null;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var stored = _store.Latest.Range(QuotaPrefix + request.Namespace + "/")
                .Select(s => (Stored: s, Quota: ObjectJson.Parse(s.Value)))
                .Where(q => pending is null || pending.Contains(q.Quota.Name()))
                .ToList();
            var charges = QuotaCheck.Charge([.. stored.Select(s => s.Quota)], request, evaluator, _time.GetUtcNow(), _configuration);
            if (charges.Count == 0 || request.DryRun)
            {
                return;
            }

            pending = [];
            foreach (var (index, used) in charges)
            {
                var (current, quota) = stored[index];
                var status = quota["status"] as JsonObject ?? [];
                status["used"] = used.ToJson();
                quota["status"] = status;
                var result = await _store.WriteAsync(
                    new WriteRequest(current.Key, WriteKind.Update, current.Revision, rev => ObjectJson.StampAndSerialize(quota, rev)), cancellationToken);
                if (result.Status != WriteStatus.Ok)
                {
                    pending.Add(quota.Name());
                }
            }

            if (pending.Count == 0)
            {
                return;
            }
        }

        throw ApiException.ConflictWith(request.Resource, request.NameForErrors, "the resource quotas of the namespace kept changing; please try again");
    }
}
