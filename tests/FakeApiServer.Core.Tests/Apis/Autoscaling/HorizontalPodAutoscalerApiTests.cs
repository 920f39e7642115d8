using FakeApiServer.Testing;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Apis.Autoscaling;

/// <summary>HorizontalPodAutoscalers stored as autoscaling/v2 and served as v1 too: the cpu target converts both ways.</summary>
public sealed class HorizontalPodAutoscalerApiTests
{
    [Fact]
    public async Task A_v1_autoscaler_reads_as_v2_and_back()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var target = new V1CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web" };

        await cluster.Client.AutoscalingV1.CreateNamespacedHorizontalPodAutoscalerAsync(new V1HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1HorizontalPodAutoscalerSpec { ScaleTargetRef = target, MaxReplicas = 4, TargetCPUUtilizationPercentage = 70 },
        }, "default", cancellationToken: ct);
        var v2 = await cluster.Client.AutoscalingV2.ReadNamespacedHorizontalPodAutoscalerAsync("web", "default", cancellationToken: ct);
        var v1 = await cluster.Client.AutoscalingV1.ReadNamespacedHorizontalPodAutoscalerAsync("web", "default", cancellationToken: ct);

        var metric = Assert.Single(v2.Spec.Metrics);
        Assert.Equal(("Resource", "cpu", "Utilization", 70), (metric.Type, metric.Resource.Name, metric.Resource.Target.Type, metric.Resource.Target.AverageUtilization));
        Assert.Equal(1, v2.Spec.MinReplicas);
        Assert.Equal(("autoscaling/v1", 70, 1, 4), (v1.ApiVersion, v1.Spec.TargetCPUUtilizationPercentage, v1.Spec.MinReplicas, v1.Spec.MaxReplicas));
    }

    [Fact]
    public async Task A_v2_behavior_gets_upstreams_scaling_rules()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);

        var created = await cluster.Client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(new V2HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web" },
                MaxReplicas = 4,
                Behavior = new V2HorizontalPodAutoscalerBehavior(),
            },
        }, "default", cancellationToken: cts.Token);

        var up = created.Spec.Behavior.ScaleUp;
        var down = created.Spec.Behavior.ScaleDown;
        Assert.Equal((0, "Max"), (up.StabilizationWindowSeconds, up.SelectPolicy));
        Assert.Equal([("Pods", 4, 15), ("Percent", 100, 15)], up.Policies.Select(p => (p.Type, p.Value, p.PeriodSeconds)));
        Assert.Equal((300, "Max"), (down.StabilizationWindowSeconds, down.SelectPolicy));
        Assert.Equal([("Percent", 100, 15)], down.Policies.Select(p => (p.Type, p.Value, p.PeriodSeconds)));
        Assert.Equal(80, Assert.Single(created.Spec.Metrics).Resource.Target.AverageUtilization);
    }
}
