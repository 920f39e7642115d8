using System.Net;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FakeApiServer.Tests.Admission;

/// <summary>The ServiceAccount plugin's kubernetes.io/enforce-mountable-secrets annotation, through the KubernetesClient.</summary>
public sealed class MountableSecretsTests
{
    private static V1ServiceAccount Account(string enforce) => new()
    {
        Metadata = new V1ObjectMeta { Name = "builder", Annotations = new Dictionary<string, string> { ["kubernetes.io/enforce-mountable-secrets"] = enforce } },
        Secrets = [new V1ObjectReference { Name = "allowed" }],
        ImagePullSecrets = [new V1LocalObjectReference { Name = "registry" }],
    };

    private static V1Pod Pod(string name, Action<V1PodSpec> tweak)
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1PodSpec
            {
                ServiceAccountName = "builder",
                AutomountServiceAccountToken = false,
                InitContainers = [new V1Container { Name = "init", Image = "busybox" }],
                Containers = [new V1Container { Name = "main", Image = "nginx" }],
            },
        };
        tweak(pod.Spec);
        return pod;
    }

    public static TheoryData<string, string> Refused() => new()
    {
        { "volume", "volume with secret.secretName=\"other\" is not allowed because service account builder does not reference that secret" },
        { "init-env", "init container init with envVar TOKEN referencing secret.secretName=\"other\" is not allowed because service account builder does not reference that secret" },
        { "env-from", "container main with envFrom referencing secret.secretName=\"other\" is not allowed because service account builder does not reference that secret" },
        { "pull", "imagePullSecrets[1].name=\"other\" is not allowed because service account builder does not reference that imagePullSecret" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task An_enforcing_account_refuses_a_pod_referencing_a_secret_it_does_not_list(string reference, string message)
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedServiceAccountAsync(Account("true"), "default", cancellationToken: ct);
        var pod = Pod("web", spec =>
        {
            switch (reference)
            {
                case "volume":
                    spec.Volumes = [new V1Volume { Name = "a", Secret = new V1SecretVolumeSource { SecretName = "allowed" } }, new V1Volume { Name = "b", Secret = new V1SecretVolumeSource { SecretName = "other" } }];
                    break;
                case "init-env":
                    spec.InitContainers[0].Env = [new V1EnvVar { Name = "TOKEN", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "other", Key = "t" } } }];
                    break;
                case "env-from":
                    spec.Containers[0].EnvFrom = [new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = "allowed" } }, new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = "other" } }];
                    break;
                default:
                    spec.ImagePullSecrets = [new V1LocalObjectReference { Name = "registry" }, new V1LocalObjectReference { Name = "other" }];
                    break;
            }
        });

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.Forbidden, "Forbidden", "pods \"web\" is forbidden: " + message);
    }

    [Fact]
    public async Task Listed_secrets_pass_and_a_false_annotation_enforces_nothing()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedServiceAccountAsync(Account("T"), "default", cancellationToken: ct);
        var listed = Pod("listed", spec =>
        {
            spec.Volumes = [new V1Volume { Name = "a", Secret = new V1SecretVolumeSource { SecretName = "allowed" } }];
            spec.ImagePullSecrets = [new V1LocalObjectReference { Name = "registry" }];
        });
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(listed, "default", cancellationToken: ct);

        var relaxed = Account("no");
        relaxed.Metadata.Name = "relaxed";
        await cluster.Client.CoreV1.CreateNamespacedServiceAccountAsync(relaxed, "default", cancellationToken: ct);
        var anything = Pod("anything", spec =>
        {
            spec.ServiceAccountName = "relaxed";
            spec.Volumes = [new V1Volume { Name = "b", Secret = new V1SecretVolumeSource { SecretName = "other" } }];
        });
        var created = await cluster.Client.CoreV1.CreateNamespacedPodAsync(anything, "default", cancellationToken: ct);

        Assert.Equal("relaxed", created.Spec.ServiceAccountName);
    }

    [Fact]
    public async Task An_ephemeral_container_may_only_reference_listed_secrets()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.CoreV1.CreateNamespacedServiceAccountAsync(Account("1"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web", _ => { }), "default", cancellationToken: ct);
        var patch = new V1Patch("""
            {"spec":{"ephemeralContainers":[{"name":"debug","image":"busybox","env":[{"name":"KEY","valueFrom":{"secretKeyRef":{"name":"other","key":"k"}}}]}]}}
            """, V1Patch.PatchType.StrategicMergePatch);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.PatchNamespacedPodEphemeralcontainersAsync(patch, "web", "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "pods \"web\" is forbidden: ephemeral container debug with envVar KEY referencing secret.secretName=\"other\" is not allowed because service account builder does not reference that secret");
    }
}
