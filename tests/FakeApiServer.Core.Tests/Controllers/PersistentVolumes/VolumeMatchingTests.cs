using System.Text.Json.Nodes;
using FakeApiServer.Controllers.PersistentVolumes;
using FakeApiServer.Registry;

namespace FakeApiServer.Tests.Controllers.PersistentVolumes;

/// <summary>The PV controller's matching rules (index.go's FindMatchingVolume) as pure functions.</summary>
public sealed class VolumeMatchingTests
{
    private static readonly JsonObject Worker = JsonNode.Parse("""{"metadata":{"name":"w1","labels":{"kubernetes.io/hostname":"w1"}}}""")!.AsObject();

    [Fact]
    public void The_smallest_available_volume_of_the_class_with_the_access_modes_and_enough_storage_wins()
    {
        var claim = Claim("""{"storageClassName":"manual","accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"2Gi"}}}""");
        var volumes = new[]
        {
            Volume("too-small", """{"storageClassName":"manual","accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"}}"""),
            Volume("big", """{"storageClassName":"manual","accessModes":["ReadWriteOnce","ReadOnlyMany"],"capacity":{"storage":"10Gi"}}"""),
            Volume("fits", """{"storageClassName":"manual","accessModes":["ReadWriteOnce"],"capacity":{"storage":"3Gi"}}"""),
            Volume("wrong-class", """{"storageClassName":"slow","accessModes":["ReadWriteOnce"],"capacity":{"storage":"2Gi"}}"""),
            Volume("wrong-modes", """{"storageClassName":"manual","accessModes":["ReadOnlyMany"],"capacity":{"storage":"2Gi"}}"""),
            Volume("taken", """{"storageClassName":"manual","accessModes":["ReadWriteOnce"],"capacity":{"storage":"2Gi"},"claimRef":{"namespace":"default","name":"other"}}"""),
            Volume("block", """{"storageClassName":"manual","accessModes":["ReadWriteOnce"],"capacity":{"storage":"2Gi"},"volumeMode":"Block"}"""),
            Volume("released", """{"storageClassName":"manual","accessModes":["ReadWriteOnce"],"capacity":{"storage":"2Gi"}}""", phase: "Released"),
        };

        Assert.Equal("fits", VolumeMatching.FindBestMatch(claim, volumes, delayBinding: false)?.Name());
    }

    [Fact]
    public void A_selector_limits_the_volumes_and_a_volume_pre_bound_to_the_claim_wins_even_if_bigger()
    {
        var claim = Claim("""{"storageClassName":"","accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}},"selector":{"matchLabels":{"tier":"gold"}}}""");
        var plain = Volume("plain", """{"accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"}}""");
        var gold = Volume("gold", """{"accessModes":["ReadWriteOnce"],"capacity":{"storage":"5Gi"}}""", labels: """{"tier":"gold"}""");
        var reserved = Volume("reserved", """{"accessModes":["ReadWriteOnce"],"capacity":{"storage":"9Gi"},"claimRef":{"namespace":"default","name":"data"}}""");

        Assert.Equal("gold", VolumeMatching.FindBestMatch(claim, [plain, gold], delayBinding: false)?.Name());
        Assert.Equal("reserved", VolumeMatching.FindBestMatch(claim, [plain, gold, reserved], delayBinding: false)?.Name());
    }

    [Fact]
    public void With_delayed_binding_only_the_scheduler_with_a_node_picks_and_node_affinity_must_admit_it()
    {
        var claim = Claim("""{"storageClassName":"local","accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}""");
        var elsewhere = Volume("elsewhere", """{"storageClassName":"local","accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"},"nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"kubernetes.io/hostname","operator":"In","values":["w2"]}]}]}}}""");
        var here = Volume("here", """{"storageClassName":"local","accessModes":["ReadWriteOnce"],"capacity":{"storage":"2Gi"},"nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"kubernetes.io/hostname","operator":"In","values":["w1"]}]}]}}}""");

        Assert.Null(VolumeMatching.FindBestMatch(claim, [elsewhere, here], delayBinding: true));
        Assert.Equal("here", VolumeMatching.FindBestMatch(claim, [elsewhere, here], delayBinding: true, Worker)?.Name());
    }

    [Theory]
    [InlineData("""{"storageClassName":"a","accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"}}""", null)]
    [InlineData("""{"storageClassName":"a","accessModes":["ReadWriteOnce"],"capacity":{"storage":"512Mi"}}""", "requested PV is too small")]
    [InlineData("""{"storageClassName":"b","accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"}}""", "storageClassName does not match")]
    [InlineData("""{"storageClassName":"a","accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"},"volumeMode":"Block"}""", "incompatible volumeMode")]
    [InlineData("""{"storageClassName":"a","accessModes":["ReadOnlyMany"],"capacity":{"storage":"1Gi"}}""", "incompatible accessMode")]
    public void A_named_volume_is_checked_as_checkVolumeSatisfyClaim_does(string volumeSpec, string? mismatch)
    {
        var claim = Claim("""{"storageClassName":"a","accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}""");

        Assert.Equal(mismatch, VolumeMatching.Mismatch(Volume("v", volumeSpec), claim));
    }

    private static JsonObject Claim(string spec) =>
        new() { ["metadata"] = new JsonObject { ["name"] = "data", ["namespace"] = "default", ["uid"] = "u1" }, ["spec"] = JsonNode.Parse(spec) };

    private static JsonObject Volume(string name, string spec, string phase = "Available", string labels = "{}") => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = JsonNode.Parse(labels) },
        ["spec"] = JsonNode.Parse(spec),
        ["status"] = new JsonObject { ["phase"] = phase },
    };
}
