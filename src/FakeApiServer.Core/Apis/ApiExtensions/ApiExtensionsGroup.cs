using FakeApiServer.Api.Subresources;
using FakeApiServer.Apis.ApiExtensions.CustomResourceDefinitions;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.ApiExtensions;

/// <summary>apiextensions.k8s.io: v1 CustomResourceDefinition, whose kinds the catalog serves at runtime.</summary>
internal static class ApiExtensionsGroup
{
    public const string Name = "apiextensions.k8s.io";

    public static IEnumerable<ResourceDefinition> Resources(CustomResourceDefinitionController controller, TimeProvider time)
    {
        var strategy = new CustomResourceDefinitionStrategy(time);
        yield return new ResourceDefinition(Name, "v1", "CustomResourceDefinition", "customresourcedefinitions", Namespaced: false)
        {
            ShortNames = ["crd", "crds"],
            Categories = ["api-extensions"],
            Strategy = strategy,
            Defaulter = new ResourceDefaulter(CustomResourceDefinitionStrategy.SetDefaults),
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new CustomResourceDefinitionStatusStrategy(strategy)) },
            Table = new CustomResourceDefinitionTable(),
            Hooks = controller,
        };
    }
}
