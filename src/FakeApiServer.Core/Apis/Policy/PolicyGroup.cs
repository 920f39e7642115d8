using FakeApiServer.Api.Subresources;
using FakeApiServer.Apis.Policy.PodDisruptionBudgets;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Policy;

/// <summary>policy/v1.</summary>
internal static class PolicyGroup
{
    public static IEnumerable<ResourceDefinition> Resources()
    {
        var budgets = new PodDisruptionBudgetStrategy();
        yield return new ResourceDefinition("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", Namespaced: true)
        {
            ShortNames = ["pdb"],
            Strategy = budgets,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(budgets)) },
            Table = PodDisruptionBudgetTable.Instance,
        };
    }
}
