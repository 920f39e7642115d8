using FakeApiServer.Controllers;
using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// kubectl top and autoscale against the simulated resource usage: metrics.k8s.io is found through discovery, pods
/// report what their fakeapiserver.io/cpu-usage and memory-usage annotations say, nodes add a base to their pods, and
/// the horizontalpodautoscaling controller fills the HPA's status that kubectl get hpa prints as TARGETS.
/// </summary>
public sealed class MetricsTests
{
    private static readonly FakeClusterOptions Options = new()
    {
        Controllers = ControllerSelection.Parse("namespace,garbage-collector,deployment,replicaset,node-simulator,scheduler,kubelet,horizontalpodautoscaling"),
        Nodes = 2,
    };

    /// <summary>Two pods each using 80m of a 200m request (40 %) and 48Mi.</summary>
    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
              annotations:
                fakeapiserver.io/cpu-usage: 80m
                fakeapiserver.io/memory-usage: 48Mi
            spec:
              containers:
              - name: main
                image: nginx:1.27
                resources:
                  requests:
                    cpu: 200m
                    memory: 64Mi
        """;

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Top_shows_the_simulated_usage_and_autoscale_an_HPA_whose_targets_show_the_measured_utilization(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(Options, ct);
        using var kubectl = Kubectl.For(cluster, version);
        async Task<KubectlResult> Run(params string[] args) => (await kubectl.RunAsync(args, TimeSpan.FromSeconds(60))).Succeeded();

        await Run("apply", "-f", kubectl.WriteFile("web.yaml", Deployment));
        await Run("rollout", "status", "deployment/web", "--timeout=60s");
        var pods = await Run("top", "pods");
        var containers = await Run("top", "pods", "--containers");
        var nodes = await Run("top", "nodes");
        var autoscale = await Run("autoscale", "deploy", "web", "--cpu-percent=50", "--max=5");

        // The controller's first sync comes one 15 s period after the HPA appears.
        var hpa = await Run("get", "hpa", "web");
        while (hpa.Row("web")[3] == "<unknown>/50%")
        {
            await Task.Delay(200, ct);
            hpa = await Run("get", "hpa", "web");
        }

        Assert.Equal(["NAME", "CPU(cores)", "MEMORY(bytes)"], pods.Header());
        Assert.Equal(2, pods.Lines.Count - 1);
        Assert.All(pods.Lines.Skip(1), line => Assert.Equal(["80m", "48Mi"], KubectlResult.Columns(line)[1..]));
        Assert.Equal(["POD", "NAME", "CPU(cores)", "MEMORY(bytes)"], containers.Header());
        Assert.All(containers.Lines.Skip(1), line => Assert.Equal(["main", "80m", "48Mi"], KubectlResult.Columns(line)[1..]));

        // The pods run on the worker (the control plane is tainted): 50m + 2 × 80m and 256Mi + 2 × 48Mi. kubectl 1.33
        // heads the percentages CPU(%) and MEMORY(%), 1.27 CPU% and MEMORY%.
        Assert.Equal(["NAME", "CPU(cores)"], nodes.Header().Take(2));
        Assert.Equal(["50m", "256Mi"], [nodes.Row("fakeapiserver-control-plane")[1], nodes.Row("fakeapiserver-control-plane")[3]]);
        Assert.Equal(["210m", "352Mi"], [nodes.Row("fakeapiserver-worker")[1], nodes.Row("fakeapiserver-worker")[3]]);

        Assert.Equal("horizontalpodautoscaler.autoscaling/web autoscaled", autoscale.Stdout.Trim());
        Assert.Equal(["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"], hpa.Header());
        Assert.Equal(["web", "Deployment/web", "cpu:", "40%/50%", "1", "5", "2"], hpa.Row("web").Take(7));
    }
}
