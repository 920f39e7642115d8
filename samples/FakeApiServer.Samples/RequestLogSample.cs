using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.Samples;

public sealed class RequestLogSample
{
    [Fact]
    public async Task The_reconcile_made_exactly_these_requests()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var recording = cluster.StartRecording();

        // The code under test: create a ConfigMap, then patch it.
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(SampleObjects.ConfigMap("settings", "blue"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"data":{"value":"green"}}""", V1Patch.PatchType.MergePatch), "settings", "default", cancellationToken: ct);

        // LINQ over the requests; Dump() gives one line per request for the failure message.
        var writes = recording.Writes("configmaps").Select(r => $"{r.Verb} {r.StatusCode}").ToList();
        Assert.True(writes.SequenceEqual(["create 201", "patch 200"]), recording.Dump());
        Assert.Equal("blue", (string?)recording.For("create", "configmaps").Single().RequestBody?["data"]?["value"]);
        recording.AssertLastPatchBody("configmaps", "settings", """{"data":{"value":"green"}}""");
        recording.AssertNoWrites("secrets");
    }
}
