using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Controllers.Deployments;

namespace FakeApiServer.Tests.Controllers.Deployments;

/// <summary>The cases of upstream's TestScale (sync_test.go) for proportional scaling, with maxSurge 0.</summary>
public sealed class ProportionalScalingTests
{
    [Theory]
    [InlineData(5, 10, new[] { 2, 3 }, new[] { 4, 6 })]
    [InlineData(5, 3, new[] { 2, 3 }, new[] { 1, 2 })]
    [InlineData(9, 4, new[] { 1, 8 }, new[] { 0, 4 })]
    [InlineData(7, 10, new[] { 3, 2, 2 }, new[] { 4, 3, 3 })]
    [InlineData(13, 8, new[] { 8, 3, 2 }, new[] { 5, 2, 1 })]
    [InlineData(3, 4, new[] { 1, 1, 1 }, new[] { 1, 1, 2 })]
    [InlineData(10, 0, new[] { 4, 6 }, new[] { 0, 0 })]
    public void Each_replica_set_keeps_its_share_of_the_new_size_and_the_rounding_leftover_goes_to_the_first(
        int before, int after, int[] sizes, int[] expected)
    {
        // Oldest first; the last one is the newest (the new replica set).
        var replicaSets = sizes.Select((size, i) => ReplicaSet("rs" + i, size, maxReplicas: before, createdMinute: i)).ToList();

        var spread = ProportionalScaling.Spread(replicaSets, after, maxSurge: 0, statusReplicas: before);

        Assert.Equal(expected, replicaSets.Select(rs => spread.Single(s => s.ReplicaSet == rs).Replicas));
    }

    [Fact]
    public void Without_the_max_replicas_annotation_the_deployments_status_replicas_is_the_base()
    {
        var replicaSets = new List<JsonObject> { ReplicaSet("old", 2, maxReplicas: null, createdMinute: 0), ReplicaSet("new", 3, maxReplicas: null, createdMinute: 1) };

        var spread = ProportionalScaling.Spread(replicaSets, 10, maxSurge: 0, statusReplicas: 5);

        Assert.Equal([("new", 6), ("old", 4)], spread.Select(s => (s.ReplicaSet["metadata"]!["name"]!.GetValue<string>(), s.Replicas)));
    }

    private static JsonObject ReplicaSet(string name, int replicas, int? maxReplicas, int createdMinute)
    {
        var annotations = new JsonObject();
        if (maxReplicas is { } max)
        {
            annotations["deployment.kubernetes.io/max-replicas"] = max.ToString(CultureInfo.InvariantCulture);
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["creationTimestamp"] = new DateTimeOffset(2026, 1, 1, 0, createdMinute, 0, TimeSpan.Zero).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                ["annotations"] = annotations,
            },
            ["spec"] = new JsonObject { ["replicas"] = replicas },
        };
    }
}
