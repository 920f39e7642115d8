using FakeApiServer.Controllers;
using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// kubectl rollout status, history, undo, pause, resume and restart, set image and scale for a Deployment, which work
/// through its ReplicaSets: each template is one ReplicaSet with a revision annotation, undo copies an old one's
/// template and annotations back. The scheduler and the kubelet run, so pods become Ready and rollout status finishes.
/// </summary>
public sealed class DeploymentRolloutTests
{
    private static readonly FakeClusterOptions Options = new()
    {
        Controllers = ControllerSelection.Parse("namespace,garbage-collector,deployment,replicaset,node-simulator,scheduler,kubelet"),
        Nodes = 2,
    };

    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          annotations:
            kubernetes.io/change-cause: create web
        spec:
          replicas: 2
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
        """;

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Deployment_rollout_status_set_image_history_and_undo(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(Options, ct);
        using var kubectl = Kubectl.For(cluster, version);
        async Task<KubectlResult> Run(params string[] args) => (await kubectl.RunAsync(args, TimeSpan.FromSeconds(60))).Succeeded();
        async Task<IReadOnlyList<string>> HistoryOnceCopiedAsync(params string[] causes)
        {
            // The controller copies the deployment's change-cause to the replica set in the background: poll until the
            // history shows the causes, or return what it shows at the end for the assertion to report.
            var deadline = DateTime.UtcNow + E2E.Wait;
            while (true)
            {
                var lines = (await Run("rollout", "history", "deployment/web")).Lines;
                if (lines.Skip(2).Select(l => l.Length > 10 ? l[10..] : "").SequenceEqual(causes) || DateTime.UtcNow > deadline)
                {
                    return lines;
                }

                await Task.Delay(50, ct);
            }
        }

        await Run("apply", "-f", kubectl.WriteFile("web.yaml", Deployment));
        var first = await Run("rollout", "status", "deployment/web", "--timeout=60s");
        var setImage = await Run("set", "image", "deployment/web", "nginx=nginx:1.28");
        await Run("annotate", "deployment/web", "kubernetes.io/change-cause=nginx 1.28", "--overwrite");
        var second = await Run("rollout", "status", "deployment/web", "--timeout=60s");
        var history = await HistoryOnceCopiedAsync("create web", "nginx 1.28");
        var revision2 = await Run("rollout", "history", "deployment/web", "--revision=2");
        var undo = await Run("rollout", "undo", "deployment/web");
        await Run("rollout", "status", "deployment/web", "--timeout=60s");
        var afterUndo = await HistoryOnceCopiedAsync("nginx 1.28", "create web");
        var undoneImage = (await Run("get", "deployment/web", "-o", "jsonpath={.spec.template.spec.containers[0].image}")).Stdout;
        var undoTo = await Run("rollout", "undo", "deployment/web", "--to-revision=2");
        await Run("rollout", "status", "deployment/web", "--timeout=60s");
        var afterUndoTo = await HistoryOnceCopiedAsync("create web", "nginx 1.28");
        await E2E.EventuallyAsync(async () =>
            (await kubectl.RunAsync("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.containers[0].image}")).Stdout == "nginx:1.28 nginx:1.28",
            "both pods on nginx:1.28", ct);
        var deployment = await Run("get", "deployment/web", "-o", "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision} {.metadata.annotations.kubernetes\\.io/change-cause}");
        var replicaSets = await Run("get", "replicasets", "-l", "app=web", "--sort-by=.metadata.annotations.deployment\\.kubernetes\\.io/revision",
            "-o", "jsonpath={range .items[*]}{.metadata.annotations.deployment\\.kubernetes\\.io/revision}/{.metadata.annotations.deployment\\.kubernetes\\.io/revision-history}/{.spec.replicas} {end}");

        Assert.Equal("deployment \"web\" successfully rolled out", first.Lines[^1]);
        Assert.Equal(["deployment.apps/web image updated"], setImage.Lines);
        Assert.Equal("deployment \"web\" successfully rolled out", second.Lines[^1]);
        Assert.Equal(["deployment.apps/web", "REVISION  CHANGE-CAUSE", "1         create web", "2         nginx 1.28"], history);
        Assert.Equal("deployment.apps/web with revision #2", revision2.Lines[0]);
        Assert.Contains(revision2.Lines, l => l.StartsWith("Image:", StringComparison.Ordinal) && l.EndsWith("nginx:1.28", StringComparison.Ordinal));
        Assert.Contains(revision2.Lines, l => l.Contains("pod-template-hash=", StringComparison.Ordinal));
        Assert.Equal(["deployment.apps/web rolled back"], undo.Lines);
        Assert.Equal("nginx:1.27", undoneImage);
        // The undone revision 1 is renumbered to 3, with its change-cause.
        Assert.Equal(["deployment.apps/web", "REVISION  CHANGE-CAUSE", "2         nginx 1.28", "3         create web"], afterUndo);
        Assert.Equal(["deployment.apps/web rolled back"], undoTo.Lines);
        Assert.Equal(["deployment.apps/web", "REVISION  CHANGE-CAUSE", "3         create web", "4         nginx 1.28"], afterUndoTo);
        Assert.Equal("4 nginx 1.28", deployment.Stdout);
        Assert.Equal("3/1/0 4/2/2 ", replicaSets.Stdout);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Deployment_rollout_pause_resume_restart_and_scale(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(Options, ct);
        using var kubectl = Kubectl.For(cluster, version);
        async Task<KubectlResult> Run(params string[] args) => (await kubectl.RunAsync(args, TimeSpan.FromSeconds(60))).Succeeded();

        await Run("apply", "-f", kubectl.WriteFile("web.yaml", Deployment));
        await Run("rollout", "status", "deployment/web", "--timeout=60s");
        await Run("set", "image", "deployment/web", "nginx=nginx:1.28");
        await Run("rollout", "status", "deployment/web", "--timeout=60s");
        var pause = await Run("rollout", "pause", "deployment/web");
        await Run("set", "image", "deployment/web", "nginx=nginx:1.29");
        await E2E.EventuallyAsync(async () =>
            (await Run("get", "deployment/web", "-o", "jsonpath={.status.conditions[?(@.type==\"Progressing\")].reason} {.metadata.generation} {.status.observedGeneration}")).Stdout == "DeploymentPaused 4 4",
            "the paused deployment's new template is observed", ct);
        var whilePaused = await Run("get", "replicasets", "-l", "app=web", "-o", "name");
        var undoWhilePaused = await kubectl.RunAsync("rollout", "undo", "deployment/web");
        var resume = await Run("rollout", "resume", "deployment/web");
        var resumed = await Run("rollout", "status", "deployment/web", "--timeout=60s");
        var restart = await Run("rollout", "restart", "deployment/web");
        var restartedAt = (await Run("get", "deployment/web", "-o", "jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}")).Stdout;
        var restarted = await Run("rollout", "status", "deployment/web", "--timeout=60s");
        var scale = await Run("scale", "deployment/web", "--replicas=3");
        var scaled = await Run("rollout", "status", "deployment/web", "--timeout=60s");
        await E2E.EventuallyAsync(async () =>
            (await Run("get", "pods", "-l", "app=web", "--field-selector=status.phase=Running", "-o", "name")).Lines.Count == 3,
            "three pods run", ct);
        var pods = await Run("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}");
        var status = await Run("get", "deployment/web", "-o", "jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision} {.status.replicas} {.status.updatedReplicas} {.status.availableReplicas} {.spec.template.spec.containers[0].image}");

        Assert.Equal(["deployment.apps/web paused"], pause.Lines);
        Assert.Equal(2, whilePaused.Lines.Count);
        undoWhilePaused.FailedWith("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
        Assert.Equal(["deployment.apps/web resumed"], resume.Lines);
        Assert.Equal("deployment \"web\" successfully rolled out", resumed.Lines[^1]);
        Assert.Equal(["deployment.apps/web restarted"], restart.Lines);
        Assert.True(DateTimeOffset.TryParse(restartedAt, System.Globalization.CultureInfo.InvariantCulture, out _), restartedAt);
        Assert.Equal("deployment \"web\" successfully rolled out", restarted.Lines[^1]);
        Assert.Equal(["deployment.apps/web scaled"], scale.Lines);
        Assert.Equal("deployment \"web\" successfully rolled out", scaled.Lines[^1]);
        Assert.Equal(string.Join(' ', Enumerable.Repeat(restartedAt, 3)), pods.Stdout);
        Assert.Equal("4 3 3 3 nginx:1.29", status.Stdout);
    }
}
