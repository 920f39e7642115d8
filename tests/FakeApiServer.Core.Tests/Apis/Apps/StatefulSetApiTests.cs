using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Apis.Apps;

/// <summary>apps/v1 StatefulSets and DaemonSets through the KubernetesClient: defaults, selector matching and the fields an update may change.</summary>
public sealed class StatefulSetApiTests
{
    private static V1StatefulSet StatefulSet(string name, string label = "db") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1StatefulSetSpec
        {
            ServiceName = name,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = label } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "db", Image = "postgres:16" }] },
            },
            VolumeClaimTemplates =
            [
                new V1PersistentVolumeClaim
                {
                    Metadata = new V1ObjectMeta { Name = "data" },
                    Spec = new V1PersistentVolumeClaimSpec
                    {
                        AccessModes = ["ReadWriteOnce"],
                        Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
                    },
                },
            ],
        },
    };

    [Fact]
    public async Task Create_defaults_the_statefulset_and_its_claim_templates()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);

        var created = await cluster.Client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet("db"), "default", cancellationToken: cts.Token);

        Assert.Equal(("OrderedReady", "RollingUpdate", 0, 1, 10), (created.Spec.PodManagementPolicy, created.Spec.UpdateStrategy.Type,
            created.Spec.UpdateStrategy.RollingUpdate.Partition, created.Spec.Replicas, created.Spec.RevisionHistoryLimit));
        Assert.Equal(("Retain", "Retain"), (created.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted, created.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled));
        Assert.Equal(("Filesystem", "Pending"), (created.Spec.VolumeClaimTemplates[0].Spec.VolumeMode, created.Spec.VolumeClaimTemplates[0].Status.Phase));
    }

    [Fact]
    public async Task A_selector_that_does_not_match_the_template_is_refused()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet("db", label: "web"), "default", cancellationToken: cts.Token));

        error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "StatefulSet.apps \"db\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`");
    }

    [Fact]
    public async Task An_update_may_change_replicas_but_not_the_service_name()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AppsV1.CreateNamespacedStatefulSetAsync(StatefulSet("db"), "default", cancellationToken: ct);

        // The original manifest, without the defaults the server filled in, replaces cleanly.
        var original = StatefulSet("db");
        original.Spec.Replicas = 3;
        var scaled = await cluster.Client.AppsV1.ReplaceNamespacedStatefulSetAsync(original, "db", "default", cancellationToken: ct);
        original.Spec.ServiceName = "other";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.AppsV1.ReplaceNamespacedStatefulSetAsync(original, "db", "default", cancellationToken: ct));

        Assert.Equal(3, scaled.Spec.Replicas);
        error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
    }

    [Fact]
    public async Task A_daemonset_gets_a_rolling_update_of_one_unavailable_pod()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);
        var template = StatefulSet("x").Spec.Template;

        var created = await cluster.Client.AppsV1.CreateNamespacedDaemonSetAsync(new V1DaemonSet
        {
            Metadata = new V1ObjectMeta { Name = "agent" },
            Spec = new V1DaemonSetSpec { Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } }, Template = template },
        }, "default", cancellationToken: cts.Token);

        Assert.Equal(("RollingUpdate", "1", "0", 10), (created.Spec.UpdateStrategy.Type, created.Spec.UpdateStrategy.RollingUpdate.MaxUnavailable.Value,
            created.Spec.UpdateStrategy.RollingUpdate.MaxSurge.Value, created.Spec.RevisionHistoryLimit));
    }
}
