using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.ClusterRoleAggregation;

/// <summary>
/// kube-controller-manager's clusterrole-aggregation controller: a ClusterRole with an aggregationRule has as rules the
/// union of the rules of the ClusterRoles its selectors match (<see cref="AggregatedRules"/>). Any ClusterRole change
/// queues every aggregated ClusterRole, which is written (through the registry) only when its rules differ.
/// </summary>
internal sealed partial class ClusterRoleAggregationController : IController
{
    /// <summary>How long a failed reconcile waits before it is tried again.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    private readonly ResourceCatalog _catalog;
    private readonly IRevisionedStore _store;
    private readonly ILogger _logger;
    private readonly WorkQueue<string> _queue;

    public ClusterRoleAggregationController(ControllerContext context)
    {
        _catalog = context.Catalog;
        _store = context.Store;
        _logger = context.LoggerFactory.CreateLogger<ClusterRoleAggregationController>();
        _queue = new WorkQueue<string>(context.Time);
    }

    public string Name => "clusterrole-aggregation";

    private ResourceStore ClusterRoles => _catalog.Get("rbac.authorization.k8s.io", "clusterroles");

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        ResourceInformer.RunAsync(ClusterRoles.Definition, _store, _ =>
        {
            foreach (var role in AllClusterRoles().Where(r => r["aggregationRule"] is JsonObject))
            {
                _queue.Add(role.Name());
            }

            return ValueTask.CompletedTask;
        }, cancellationToken),
        _queue.RunAsync(ReconcileAsync, cancellationToken));

    private List<JsonObject> AllClusterRoles() =>
        _store.Latest.Range(ClusterRoles.Definition.KeyPrefix).Select(s => ObjectJson.Parse(s.Value)).ToList();

    private async Task ReconcileAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var all = AllClusterRoles();
            var role = all.FirstOrDefault(r => r.Name() == name);
            if (role is null || AggregatedRules.For(role, all) is not { } rules || JsonNode.DeepEquals(rules, role["rules"] ?? new JsonArray()))
            {
                return;
            }

            await ClusterRoles.UpdateAsync("", name, current =>
            {
                current["rules"] = AggregatedRules.For(current, AllClusterRoles()) ?? current["rules"]?.DeepClone();
                return current;
            }, ClusterRoles.Definition.Strategy, new WriteOptions(), cancellationToken);
        }
        catch (ApiException e) when (e.Code != 404)
        {
            Log.ReconcileFailed(_logger, name, e.Message);
            _queue.AddAfter(name, RetryDelay, cancellationToken);
        }
        catch (ApiException)
        {
            // Deleted meanwhile: nothing to aggregate.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1300, Level = LogLevel.Debug, Message = "Aggregating the rules of ClusterRole {Name} failed: {Error}")]
        public static partial void ReconcileFailed(ILogger logger, string name, string error);
    }
}
