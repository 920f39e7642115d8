using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using k8s;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>kubectl debug of a running pod: an ephemeral container through pods/ephemeralcontainers, started by the simulated kubelet.</summary>
public sealed class PodDebugTests
{
    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Debug_adds_an_ephemeral_container_that_the_kubelet_starts(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        var options = new FakeClusterOptions { Controllers = ControllerSelection.Parse("namespace,garbage-collector,node-simulator,kubelet") };
        await using var cluster = await FakeCluster.StartAsync(options, ct);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("create", "-f", kubectl.WriteFile("pod.yaml", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: app
            spec:
              nodeName: fakeapiserver-worker
              containers:
              - name: main
                image: busybox:1.36
                command: ["sleep", "3600"]
            """))).Succeeded();
        await E2E.EventuallyAsync(async () =>
            (await kubectl.RunAsync("get", "pod", "app", "-o", "jsonpath={.status.phase}")).Stdout == "Running", "the pod app is Running", ct);

        (await kubectl.RunAsync("debug", "pod/app", "--image=busybox:1.36", "--container=dbg", "--profile=general", "--", "sleep", "600")).Succeeded();

        var pod = await cluster.Client.CoreV1.ReadNamespacedPodAsync("app", "default", cancellationToken: ct);
        var debugger = Assert.Single(pod.Spec.EphemeralContainers);
        Assert.Equal(("dbg", "busybox:1.36"), (debugger.Name, debugger.Image));
        Assert.Equal(["sleep", "600"], debugger.Command);
        Assert.Equal(("File", "/dev/termination-log"), (debugger.TerminationMessagePolicy, debugger.TerminationMessagePath));
        Assert.Equal(["main"], pod.Spec.Containers.Select(c => c.Name));

        // The kubelet starts it and reports it in status.ephemeralContainerStatuses (never ready, as the kubelet has it).
        await E2E.EventuallyAsync(async () =>
            (await kubectl.RunAsync("get", "pod", "app", "-o", "jsonpath={.status.ephemeralContainerStatuses[0].name}")).Stdout == "dbg",
            "the kubelet reports the ephemeral container", ct);
        pod = await cluster.Client.CoreV1.ReadNamespacedPodAsync("app", "default", cancellationToken: ct);
        var status = Assert.Single(pod.Status.EphemeralContainerStatuses);
        Assert.NotNull(status.State.Running);
        Assert.False(status.Ready);
        Assert.Equal(0, status.RestartCount);
        Assert.Equal("docker.io/library/busybox:1.36", status.Image);
        Assert.StartsWith("containerd://", status.ContainerID, StringComparison.Ordinal);
        Assert.Equal("Running", pod.Status.Phase);

        // A second debug container of the same name patches the first one, which validation forbids as upstream's does.
        var again = await kubectl.RunAsync("debug", "pod/app", "--image=busybox:1.37", "--container=dbg", "--profile=general");
        Assert.NotEqual(0, again.ExitCode);
        Assert.True(again.Stderr.StartsWith(
            "The Pod \"app\" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers \"dbg\" may not be changed", StringComparison.Ordinal),
            again.ToString());
    }
}
