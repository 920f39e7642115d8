using FakeApiServer.Api.Subresources;
using FakeApiServer.Apis.ApiRegistration.APIServices;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.ApiRegistration;

/// <summary>apiregistration.k8s.io/v1 (kube-aggregator's group; the server's own group versions are Local APIServices).</summary>
internal static class ApiRegistrationGroup
{
    public const string Name = "apiregistration.k8s.io";

    public static IEnumerable<ResourceDefinition> Resources()
    {
        var services = new APIServiceStrategy();
        yield return new ResourceDefinition(Name, "v1", "APIService", "apiservices", Namespaced: false)
        {
            Categories = ["api-extensions"],
            Strategy = services,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(services)) },
            Table = APIServiceTable.Instance,
            NameValidator = APIServiceStrategy.ValidateName,
        };
    }
}
