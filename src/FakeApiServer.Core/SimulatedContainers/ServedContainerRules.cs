using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// The rules of the served ContainerRule objects (fakeapiserver.io/v1alpha1, cluster-scoped; <see cref="ContainerRuleDefinition"/>),
/// in name order, read from the newest snapshot when a rule is looked up, so a rule applied with kubectl counts from
/// the next exec on. The parsed list is kept until the store changes. An object whose spec does not parse is skipped.
/// </summary>
internal sealed class ServedContainerRules(IRevisionedStore store)
{
    private Parsed _cache = new(-1, []);

    public IReadOnlyList<ContainerRule> Rules
    {
        get
        {
            var snapshot = store.Latest;
            var cache = Volatile.Read(ref _cache);
            if (cache.Revision == snapshot.Revision)
            {
                return cache.Rules;
            }

            var rules = new List<ContainerRule>();
            foreach (var stored in snapshot.Range(ContainerRuleDefinition.KeyPrefix))
            {
                var obj = ObjectJson.Parse(stored.Value);
                if (obj["spec"] is JsonObject spec)
                {
                    try
                    {
                        rules.Add(ContainerRuleParser.ParseRule(spec, obj.Name(), "spec"));
                    }
                    catch (FormatException)
                    {
                        // The CRD's schema keeps most mistakes out; what it lets through matches nothing.
                    }
                }
            }

            Volatile.Write(ref _cache, new Parsed(snapshot.Revision, rules));
            return rules;
        }
    }

    private sealed record Parsed(long Revision, IReadOnlyList<ContainerRule> Rules);
}
