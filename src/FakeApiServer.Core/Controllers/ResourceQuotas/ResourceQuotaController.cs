using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Quota;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.ResourceQuotas;

/// <summary>
/// kube-controller-manager's resourcequota controller: every quota's status.hard follows spec.hard and status.used is
/// the namespace's measured usage of each hard resource (pods, services, claims, object counts; within the quota's
/// scopes). A quota is synced when it is created, when its spec.hard differs from status.hard, when an object it
/// counts is deleted or stops counting (a pod turns terminal, a service changes type, a claim's allocated storage
/// changes), and every five minutes (--resource-quota-sync-period). Creates are charged by the ResourceQuota admission
/// plugin, not here, as upstream.
/// </summary>
internal sealed class ResourceQuotaController(ControllerContext context) : Reconciler<NamespacedName>(context, "resourcequota", workers: 2)
{
    /// <summary>Upstream's --resource-quota-sync-period default.</summary>
    public static readonly TimeSpan SyncPeriod = TimeSpan.FromMinutes(5);

    public const string FieldManager = "kube-controller-manager";

    private static readonly (string Group, string Plural)[] Replenished =
    [
        ("", "pods"), ("", "services"), ("", "persistentvolumeclaims"), ("", "configmaps"), ("", "secrets"),
        ("", "replicationcontrollers"), ("", "resourcequotas"),
    ];

    /// <summary>The resources whose deletions replenish quotas (the standard ones, and count/ resources seen in quotas).</summary>
    private readonly ConcurrentDictionary<(string Group, string Plural), bool> _watched = new();

    private SharedInformer Quotas => Informers.For("", "resourcequotas");

    public override Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(base.RunAsync(cancellationToken), ResyncAsync(cancellationToken));

    protected override void Watch(SharedInformerFactory informers)
    {
        Quotas.AddHandler(e =>
        {
            if (e.Type == InformerEventType.Added
                || (e.Type == InformerEventType.Modified && !QuantityList.Parse(e.Object["spec"]?["hard"]).SameAs(QuotaCheck.Hard(e.Object))))
            {
                Queue.Add(NamespacedName.Of(e.Object));
            }
        });
        foreach (var resource in Replenished)
        {
            WatchForReplenishment(resource);
        }
    }

    protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (Quotas.Lister.Get(key.Namespace, key.Name) is not { } quota || quota.HasDeletionTimestamp())
        {
            return;
        }

        var hard = QuantityList.Parse(quota["spec"]?["hard"]);
        var used = QuotaCheck.Used(quota);
        foreach (var (name, amount) in CalculateUsage(key.Namespace, quota, hard))
        {
            used[name] = amount;
        }

        used = used.Mask(hard.Keys);
        if (quota["status"]?["hard"] is not null && quota["status"]?["used"] is not null
            && hard.SameAs(QuotaCheck.Hard(quota)) && used.SameAs(QuotaCheck.Used(quota)))
        {
            return;
        }

        var quotas = Context.Catalog.Get("", "resourcequotas");
        var resourceVersion = quota.ResourceVersion();
        try
        {
            await quotas.UpdateAsync(key.Namespace, key.Name, current =>
            {
                // The usage was measured against this version of the quota; a newer one (a charge) is measured again.
                if (current.ResourceVersion() != resourceVersion)
                {
                    throw ApiException.Conflict(quotas.Definition.GroupResource, key.Name);
                }

                current["status"] = new JsonObject { ["hard"] = hard.ToJson(), ["used"] = used.ToJson() };
                return current;
            }, quotas.Definition.StatusStrategy!, new WriteOptions(FieldManager: FieldManager) { Subresource = "status" }, cancellationToken);
        }
        catch (ApiException e) when (e.Code == 404)
        {
        }
    }

    /// <summary>quota.CalculateUsage: the namespace's usage of each hard resource some evaluator tracks.</summary>
    private QuantityList CalculateUsage(string ns, JsonObject quota, QuantityList hard)
    {
        var evaluators = QuotaEvaluators.Standard.ToList();
        foreach (var name in hard.Keys)
        {
            if (QuotaEvaluators.CountedResource(name) is { } resource && IsServed(resource))
            {
                evaluators.Add(new ObjectCountEvaluator(resource.Group, resource.Plural));
                WatchForReplenishment(resource);
            }
        }

        var matched = evaluators.SelectMany(e => e.MatchingResources(hard.Keys)).ToHashSet(StringComparer.Ordinal);
        var scopes = ScopeRequirement.Of(quota);
        var now = Time.GetUtcNow();
        var usage = new QuantityList();
        foreach (var evaluator in evaluators)
        {
            var resources = evaluator.MatchingResources(matched);
            if (resources.Count > 0)
            {
                var objects = Informers.For(evaluator.Group, evaluator.Plural).Lister.List(ns);
                usage = usage.Plus(evaluator.UsageStats(objects, resources, scopes, now));
            }
        }

        return usage.Mask(matched);
    }

    private bool IsServed((string Group, string Plural) resource) =>
        Context.Catalog.All.Any(s => s.Definition.Group == resource.Group && s.Definition.Plural == resource.Plural);

    /// <summary>Deletions, and updates that release usage, sync the namespace's quotas (the quota monitors' replenishment).</summary>
    private void WatchForReplenishment((string Group, string Plural) resource)
    {
        if (!_watched.TryAdd(resource, true))
        {
            return;
        }

        Informers.For(resource.Group, resource.Plural).AddHandler(e =>
        {
            // The namespace is read from the key; only the kinds whose updates can release usage parse the versions.
            if (e.Type == InformerEventType.Deleted || (e.Type == InformerEventType.Modified && Releases(resource.Plural, e)))
            {
                foreach (var quota in Quotas.Lister.List(e.Namespace))
                {
                    Queue.Add(NamespacedName.Of(quota));
                }
            }
        });
    }

    private bool Releases(string plural, InformerEvent change) => plural switch
    {
        "pods" => change.Old is { } old && PodEvaluator.IsChargedForCompute(old, Time.GetUtcNow()) && !PodEvaluator.IsChargedForCompute(change.Object, Time.GetUtcNow()),
        "services" => change.Old is { } old && ServiceEvaluator.QuotaServiceType(old) != ServiceEvaluator.QuotaServiceType(change.Object),
        "persistentvolumeclaims" => change.Old is { } old
            && old["status"]?["allocatedResources"]?["storage"]?.ToJsonString() != change.Object["status"]?["allocatedResources"]?["storage"]?.ToJsonString(),
        _ => false,
    };

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(SyncPeriod, Time, cancellationToken);
                foreach (var quota in Quotas.Lister.List())
                {
                    Queue.Add(NamespacedName.Of(quota));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
