using System.Text.Json.Nodes;
using FakeApiServer.Controllers.Deployments;

namespace FakeApiServer.Tests.Controllers.Deployments;

public sealed class RollingUpdateTests
{
    [Theory]
    [InlineData("25%", "25%", 4, 1, 1)]
    [InlineData("25%", "25%", 5, 2, 1)]
    [InlineData("25%", "25%", 1, 1, 0)]
    [InlineData("0", "0", 3, 0, 1)]
    [InlineData("50%", "10%", 10, 5, 1)]
    [InlineData("2", "3", 10, 2, 3)]
    public void Fenceposts_round_surge_up_and_unavailable_down_and_are_never_both_zero(string surge, string unavailable, int replicas, int expectedSurge, int expectedUnavailable)
    {
        var (maxSurge, maxUnavailable) = RollingUpdate.Fenceposts(IntOrPercent(surge), IntOrPercent(unavailable), replicas);

        Assert.Equal((expectedSurge, expectedUnavailable), (maxSurge, maxUnavailable));
    }

    [Theory]
    [InlineData(5, 2, 2, 2, 5)]
    [InlineData(3, 1, 3, 0, 1)]
    [InlineData(3, 1, 4, 1, 1)]
    [InlineData(10, 3, 10, 0, 3)]
    [InlineData(3, 1, 2, 2, 3)]
    public void The_new_replica_set_grows_by_what_the_surge_allows(int desired, int maxSurge, int currentPods, int newReplicas, int expected)
    {
        Assert.Equal(expected, RollingUpdate.NewReplicaSetReplicas(desired, maxSurge, currentPods, newReplicas));
    }

    [Theory]
    [InlineData(4, 3, 1, 1, 1)]
    [InlineData(4, 3, 1, 0, 2)]
    [InlineData(3, 3, 0, 1, -1)]
    public void Old_pods_go_only_while_the_minimum_stays_available(int allPods, int desired, int maxUnavailable, int newUnavailable, int expected)
    {
        Assert.Equal(expected, RollingUpdate.MaxScaledDown(allPods, desired, maxUnavailable, newUnavailable));
    }

    [Fact]
    public void Recreate_has_neither_surge_nor_unavailability()
    {
        var spec = JsonNode.Parse("""{"strategy":{"type":"Recreate"}}""")!.AsObject();

        Assert.Equal((0, 0), (RollingUpdate.MaxSurge(spec, 5), RollingUpdate.MaxUnavailable(spec, 5)));
    }

    private static JsonValue IntOrPercent(string value) =>
        value.EndsWith('%') ? JsonValue.Create(value) : JsonValue.Create(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
}
