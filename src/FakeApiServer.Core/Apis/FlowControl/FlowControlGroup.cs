using FakeApiServer.Api.Subresources;
using FakeApiServer.Apis.FlowControl.FlowSchemas;
using FakeApiServer.Apis.FlowControl.PriorityLevelConfigurations;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.FlowControl;

/// <summary>flowcontrol.apiserver.k8s.io/v1 (API Priority and Fairness objects; the server stores them but does not apply them to requests).</summary>
internal static class FlowControlGroup
{
    public const string Name = "flowcontrol.apiserver.k8s.io";

    public static IEnumerable<ResourceDefinition> Resources()
    {
        var flowSchemas = new FlowSchemaStrategy();
        yield return new ResourceDefinition(Name, "v1", "FlowSchema", "flowschemas", Namespaced: false)
        {
            Strategy = flowSchemas,
            Defaulter = FlowSchemaStrategy.Defaults,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(flowSchemas)) },
            Table = FlowSchemaTable.Instance,
        };

        var levels = new PriorityLevelConfigurationStrategy();
        yield return new ResourceDefinition(Name, "v1", "PriorityLevelConfiguration", "prioritylevelconfigurations", Namespaced: false)
        {
            Strategy = levels,
            Defaulter = PriorityLevelConfigurationStrategy.Defaults,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(levels)) },
            Table = PriorityLevelConfigurationTable.Instance,
        };
    }
}
