using FakeApiServer.Controllers;
using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// kubectl against StorageObjectInUseProtection and the pvc-protection and pv-protection controllers: a claim a running
/// pod mounts stays Terminating after <c>kubectl delete pvc</c> until the pod is gone, then the claim and its
/// provisioned volume go.
/// </summary>
public sealed class StorageProtectionTests
{
    private const string Manifest = """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gi
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: marker
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gi
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: app
        spec:
          containers:
          - name: main
            image: busybox:1.36
          volumes:
          - name: data
            persistentVolumeClaim:
              claimName: data
        """;

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Delete_pvc_of_a_running_pod_leaves_it_terminating_until_the_pod_is_gone(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.All, Nodes = 1 }, timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("app.yaml", Manifest))).Succeeded();
        (await kubectl.RunAsync(["wait", "--for=condition=Ready", "pod/app", "--timeout=60s"], TimeSpan.FromSeconds(75))).Succeeded();
        var volume = (await kubectl.RunAsync("get", "pvc", "data", "-o", "jsonpath={.spec.volumeName}")).Succeeded().Stdout;

        var finalizers = (await kubectl.RunAsync("get", "pvc", "data", "-o", "jsonpath={.metadata.finalizers}")).Succeeded();
        var deleted = (await kubectl.RunAsync("delete", "pvc", "data", "--wait=false")).Succeeded();

        // marker has no pod: its delete returns once the controller let it go, after it looked at data.
        var marker = (await kubectl.RunAsync("delete", "pvc", "marker")).Succeeded();
        var terminating = (await kubectl.RunAsync("get", "pvc", "data")).Succeeded();
        var volumeFinalizers = (await kubectl.RunAsync("get", "pv", volume, "-o", "jsonpath={.metadata.finalizers}")).Succeeded();
        (await kubectl.RunAsync(["delete", "pod", "app"], TimeSpan.FromSeconds(60))).Succeeded();
        (await kubectl.RunAsync(["wait", "--for=delete", "pvc/data", "pv/" + volume, "--timeout=60s"], TimeSpan.FromSeconds(75))).Succeeded();
        var left = await kubectl.RunAsync("get", "pvc,pv");

        Assert.Equal("[\"kubernetes.io/pvc-protection\"]", finalizers.Stdout);
        Assert.Equal("[\"kubernetes.io/pv-protection\"]", volumeFinalizers.Stdout);
        Assert.Equal(["persistentvolumeclaim \"data\" deleted"], deleted.Lines);
        Assert.Equal(["persistentvolumeclaim \"marker\" deleted"], marker.Lines);
        Assert.Equal(["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS"], terminating.Header().Take(6));
        Assert.Equal(["Terminating", volume, "1Gi", "RWO", "standard"], terminating.Row("data").Skip(1).Take(5));
        Assert.Equal((0, "", "No resources found\n"), (left.ExitCode, left.Stdout, left.Stderr));
    }
}
