using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.ClusterRoleAggregation;

/// <summary>
/// kube-controller-manager's clusterrole-aggregation controller: a ClusterRole with an aggregationRule has as rules the
/// union of the rules of the ClusterRoles its selectors match (<see cref="AggregatedRules"/>). Any ClusterRole change
/// queues every aggregated ClusterRole, which is written (through the registry) only when its rules differ.
/// </summary>
internal sealed class ClusterRoleAggregationController(ControllerContext context) : Reconciler<string>(context, "clusterrole-aggregation")
{
    private SharedInformer ClusterRoleInformer => Informers.For("rbac.authorization.k8s.io", "clusterroles");

    private ResourceStore ClusterRoles => Context.Catalog.Get("rbac.authorization.k8s.io", "clusterroles");

    protected override void Watch(SharedInformerFactory informers) =>
        ClusterRoleInformer.AddHandler(_ =>
        {
            foreach (var role in ClusterRoleInformer.Lister.List().Where(r => r["aggregationRule"] is JsonObject))
            {
                Queue.Add(role.Name());
            }
        });

    protected override async Task ReconcileAsync(string name, CancellationToken cancellationToken)
    {
        var all = ClusterRoleInformer.Lister.List();
        var role = all.FirstOrDefault(r => r.Name() == name);
        if (role is null || AggregatedRules.For(role, all) is not { } rules || JsonNode.DeepEquals(rules, role["rules"] ?? new JsonArray()))
        {
            return;
        }

        try
        {
            await ClusterRoles.UpdateAsync("", name, current =>
            {
                current["rules"] = AggregatedRules.For(current, ClusterRoleInformer.Lister.List()) ?? current["rules"]?.DeepClone();
                return current;
            }, ClusterRoles.Definition.Strategy, new WriteOptions(), cancellationToken);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            // Deleted meanwhile: nothing to aggregate.
        }
    }
}
