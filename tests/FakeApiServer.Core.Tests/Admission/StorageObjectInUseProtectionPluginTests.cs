using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Controllers;

namespace FakeApiServer.Tests.Admission;

/// <summary>The StorageObjectInUseProtection admission plugin: the protection finalizers on new claims and volumes only.</summary>
public sealed class StorageObjectInUseProtectionPluginTests
{
    [Fact]
    public async Task New_claims_and_volumes_get_their_finalizer_once_after_those_they_bring_and_updates_do_not_add_it()
    {
        using var cts = new CancellationTokenSource(ControlPlaneTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var claim = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"data","finalizers":["example.com/keep"]},
             "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}
            """)!.AsObject();
        var volume = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"disk","finalizers":["kubernetes.io/pv-protection"]},
             "spec":{"accessModes":["ReadWriteOnce"],"capacity":{"storage":"1Gi"},"hostPath":{"path":"/disk"}}}
            """)!.AsObject();

        var createdClaim = await cluster.CreateAsync("/api/v1/namespaces/default/persistentvolumeclaims", claim, ct);
        var createdVolume = await cluster.CreateAsync("/api/v1/persistentvolumes", volume, ct);
        var patched = await cluster.PatchAsync("/api/v1/namespaces/default/persistentvolumeclaims/data", """{"metadata":{"finalizers":["example.com/keep"]}}""", ct);

        Assert.Equal("""["example.com/keep","kubernetes.io/pvc-protection"]""", createdClaim["metadata"]!["finalizers"]!.ToJsonString());
        Assert.Equal("""["kubernetes.io/pv-protection"]""", createdVolume["metadata"]!["finalizers"]!.ToJsonString());
        Assert.Equal("""["example.com/keep"]""", patched["metadata"]!["finalizers"]!.ToJsonString());
    }
}
