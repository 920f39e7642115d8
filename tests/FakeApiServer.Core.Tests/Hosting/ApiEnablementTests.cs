using FakeApiServer.Hosting;
using FakeApiServer.Registry;

namespace FakeApiServer.Tests.Hosting;

public sealed class ApiEnablementTests
{
    private static readonly ResourceDefinition[] Definitions =
    [
        Definition("", "v1", "pods"),
        Definition("apps", "v1", "deployments"),
        Definition("networking.k8s.io", "v1alpha1", "podnetworks"),
        Definition("networking.k8s.io", "v1alpha1", "podnetworkattachments"),
        Definition("example.com", "v2beta1", "widgets"),
    ];

    private static ResourceDefinition Definition(string group, string version, string plural) =>
        new(group, version, plural, plural, Namespaced: true) { Strategy = new ResourceStrategy(hasStatus: false) };

    private static string[] Served(params (string Key, bool On)[] config) =>
        [.. ApiEnablement.Served(Definitions, config.ToDictionary(c => c.Key, c => c.On)).Select(d => d.Plural)];

    [Fact]
    public void By_default_only_ga_versions_are_served()
    {
        Assert.Equal(["pods", "deployments"], Served());
    }

    [Fact]
    public void Api_alpha_serves_alpha_versions_and_api_beta_beta_versions()
    {
        Assert.Equal(["pods", "deployments", "podnetworks", "podnetworkattachments"], Served(("api/alpha", true)));
        Assert.Equal(["pods", "deployments", "widgets"], Served(("api/beta", true)));
    }

    [Fact]
    public void A_group_version_key_wins_over_the_stage_and_all_keys()
    {
        Assert.Equal(["pods", "deployments", "podnetworks", "podnetworkattachments"], Served(("networking.k8s.io/v1alpha1", true)));
        Assert.Equal(["pods", "deployments"], Served(("api/alpha", true), ("networking.k8s.io/v1alpha1", false)));
        Assert.Equal(["pods", "podnetworks", "podnetworkattachments"], Served(("api/all", false), ("networking.k8s.io/v1alpha1", true)));
        Assert.Equal(["pods", "deployments", "podnetworks", "podnetworkattachments", "widgets"], Served(("api/all", true)));
        Assert.Equal(["pods", "deployments", "podnetworks", "podnetworkattachments"], Served(("api/all", true), ("api/beta", false)));
    }

    [Fact]
    public void A_resource_key_switches_one_resource()
    {
        Assert.Equal(["pods", "deployments", "podnetworks"], Served(("networking.k8s.io/v1alpha1/podnetworks", true)));
    }

    [Fact]
    public void The_core_group_is_always_served_and_unknown_groups_are_ignored()
    {
        Assert.Equal(["pods"], Served(("api/all", false), ("api/v1", false), ("unknown.io/v1", true)));
    }

    [Fact]
    public void An_unknown_version_of_a_known_group_is_refused()
    {
        var error = Assert.Throws<FormatException>(() => Served(("networking.k8s.io/v1", true)));

        Assert.Equal("invalid value for flag --runtime-config: group version networking.k8s.io/v1 that has not been registered", error.Message);
    }
}
