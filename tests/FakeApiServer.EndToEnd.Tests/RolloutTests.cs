using FakeApiServer.Controllers;
using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// kubectl rollout status, history, undo and restart for StatefulSets and DaemonSets, which work through the
/// ControllerRevisions the two controllers keep (undo patches the set with the revision's data). The scheduler and the
/// kubelet run, so pods become Ready and rollout status can finish.
/// </summary>
public sealed class RolloutTests
{
    private static readonly FakeClusterOptions Options = new()
    {
        Controllers = ControllerSelection.Parse("namespace,garbage-collector,statefulset,daemonset,node-simulator,scheduler,kubelet,persistentvolume-binder,serviceaccount"),
        Nodes = 3,
    };

    private const string StatefulSet = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: web
        spec:
          replicas: 2
          serviceName: web
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: nginx
                image: nginx:1.27
          volumeClaimTemplates:
          - metadata:
              name: www
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 1Gi
        """;

    private const string DaemonSet = """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: agent
        spec:
          selector:
            matchLabels:
              app: agent
          template:
            metadata:
              labels:
                app: agent
            spec:
              containers:
              - name: agent
                image: agent:1
        """;

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Statefulset_rollout_status_history_undo_and_restart(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(Options, ct);
        using var kubectl = Kubectl.For(cluster, version);
        async Task<KubectlResult> Run(params string[] args) => (await kubectl.RunAsync(args, TimeSpan.FromSeconds(60))).Succeeded();

        await Run("apply", "-f", kubectl.WriteFile("web.yaml", StatefulSet));
        var first = await Run("rollout", "status", "statefulset/web", "--timeout=60s");
        await Run("set", "image", "statefulset/web", "nginx=nginx:1.28");
        var second = await Run("rollout", "status", "statefulset/web", "--timeout=60s");
        var history = await Run("rollout", "history", "statefulset/web");
        var revision2 = await Run("rollout", "history", "statefulset/web", "--revision=2");
        var undo = await Run("rollout", "undo", "statefulset/web");
        await Run("rollout", "status", "statefulset/web", "--timeout=60s");
        await E2E.EventuallyAsync(async () =>
            (await kubectl.RunAsync("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.containers[0].image}")).Stdout == "nginx:1.27 nginx:1.27",
            "both pods back on nginx:1.27", ct);
        var afterUndo = await Run("rollout", "history", "statefulset/web");
        var restart = await Run("rollout", "restart", "statefulset/web");

        Assert.Equal("partitioned roll out complete: 2 new pods have been updated...", first.Lines[^1]);
        Assert.Equal("partitioned roll out complete: 2 new pods have been updated...", second.Lines[^1]);
        Assert.Equal(["statefulset.apps/web", "REVISION  CHANGE-CAUSE", "1         <none>", "2         <none>"], history.Lines);
        Assert.Contains(revision2.Lines, l => l.Contains("nginx:1.28", StringComparison.Ordinal));
        Assert.Equal(["statefulset.apps/web rolled back"], undo.Lines);
        Assert.Equal("nginx:1.27", (await Run("get", "statefulset/web", "-o", "jsonpath={.spec.template.spec.containers[0].image}")).Stdout);
        // The undone revision 1 is renumbered to 3, as upstream.
        Assert.Equal(["statefulset.apps/web", "REVISION  CHANGE-CAUSE", "2         <none>", "3         <none>"], afterUndo.Lines);
        Assert.Equal(["statefulset.apps/web restarted"], restart.Lines);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Daemonset_rollout_status_history_undo_and_restart(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(Options, ct);
        using var kubectl = Kubectl.For(cluster, version);
        async Task<KubectlResult> Run(params string[] args) => (await kubectl.RunAsync(args, TimeSpan.FromSeconds(60))).Succeeded();

        await Run("apply", "-f", kubectl.WriteFile("agent.yaml", DaemonSet));
        var first = await Run("rollout", "status", "daemonset/agent", "--timeout=60s");
        await Run("set", "image", "daemonset/agent", "agent=agent:2");
        var second = await Run("rollout", "status", "daemonset/agent", "--timeout=60s");
        var history = await Run("rollout", "history", "daemonset/agent");
        var undo = await Run("rollout", "undo", "daemonset/agent");
        await Run("rollout", "status", "daemonset/agent", "--timeout=60s");
        await E2E.EventuallyAsync(async () =>
            (await kubectl.RunAsync("get", "pods", "-l", "app=agent", "-o", "jsonpath={.items[*].spec.containers[0].image}")).Stdout == "agent:1 agent:1",
            "both pods back on agent:1", ct);
        var restart = await Run("rollout", "restart", "daemonset/agent");
        var nodes = await Run("get", "pods", "-l", "app=agent", "-o", "jsonpath={.items[*].spec.nodeName}");

        Assert.Equal("daemon set \"agent\" successfully rolled out", first.Lines[^1]);
        Assert.Equal("daemon set \"agent\" successfully rolled out", second.Lines[^1]);
        Assert.Equal(["daemonset.apps/agent", "REVISION  CHANGE-CAUSE", "1         <none>", "2         <none>"], history.Lines);
        Assert.Equal(["daemonset.apps/agent rolled back"], undo.Lines);
        Assert.Equal("agent:1", (await Run("get", "daemonset/agent", "-o", "jsonpath={.spec.template.spec.containers[0].image}")).Stdout);
        Assert.Equal(["daemonset.apps/agent restarted"], restart.Lines);
        Assert.DoesNotContain("fakeapiserver-control-plane", nodes.Stdout, StringComparison.Ordinal);
    }
}
