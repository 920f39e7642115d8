using System.Text.Json.Nodes;
using FakeApiServer.Features;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// Scheme defaulting on every write path, as kube-apiserver defaults every object it decodes: writing back the original
/// manifest (without the fields the server defaulted) with replace, replace --save-config and server-side apply is a
/// no-op or a plain update, never "pod updates may not change fields other than...". A pod update that leaves out
/// spec.networks (a client that does not know the field) keeps the stored networks (docs/defaulting.md).
/// </summary>
public sealed class DefaultingTests
{
    /// <summary>
    /// A pod, a deployment, a service and a secret written with none of the fields the server defaults. The pod names its
    /// service account and no token mount: upstream's ServiceAccount admission fills both on create only, so without them
    /// kube-apiserver too refuses a replace of the pod (spec.serviceAccountName "" against "default").
    /// </summary>
    private const string Manifest = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: worker
        spec:
          serviceAccountName: default
          automountServiceAccountToken: false
          volumes:
          - name: scratch
          - name: settings
            configMap:
              name: settings
          containers:
          - name: main
            image: busybox:1.36
            ports:
            - containerPort: 8080
            readinessProbe:
              httpGet:
                port: 8080
            resources:
              limits:
                cpu: 100m
            volumeMounts:
            - name: scratch
              mountPath: /scratch
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              volumes:
              - name: cache
              containers:
              - name: web
                image: nginx
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector:
            app: web
          ports:
          - port: 80
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: token
        stringData:
          token: abc
        """;

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Replace_replace_save_config_and_server_side_apply_of_the_original_manifest_succeed(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = kubectl.WriteFile("app.yaml", Manifest);
        (await kubectl.RunAsync("create", "-f", manifest)).Succeeded();

        var replace = (await kubectl.RunAsync("replace", "-f", manifest)).Succeeded();
        var saveConfig = (await kubectl.RunAsync("replace", "--save-config", "-f", manifest)).Succeeded();
        var serverSide = (await kubectl.RunAsync("apply", "--server-side", "-f", manifest)).Succeeded();

        string[] replaced = ["pod/worker replaced", "deployment.apps/web replaced", "service/web replaced", "secret/token replaced"];
        Assert.Equal(replaced, replace.Lines);
        Assert.Equal(replaced, saveConfig.Lines);
        Assert.Equal(["pod/worker serverside-applied", "deployment.apps/web serverside-applied", "service/web serverside-applied", "secret/token serverside-applied"], serverSide.Lines);
        var pod = await cluster.Client.CoreV1.ReadNamespacedPodAsync("worker", "default", cancellationToken: ct);
        Assert.Contains("kubectl.kubernetes.io/last-applied-configuration", pod.Metadata.Annotations.Keys);
    }

    [Fact]
    public async Task Every_write_path_stores_upstreams_pod_defaults()
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var client = cluster.Client;
        var pod = E2E.Pod("worker");
        pod.Spec.ServiceAccountName = "default";

        // No token volume: the PUT below sends the original spec, which must match the stored one.
        pod.Spec.AutomountServiceAccountToken = false;
        pod.Spec.Volumes = [new V1Volume { Name = "scratch" }, new V1Volume { Name = "settings", ConfigMap = new V1ConfigMapVolumeSource { Name = "settings" } }];
        pod.Spec.Containers[0].ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Port = 8080 } };
        pod.Spec.Containers[0].Env = [new V1EnvVar { Name = "NODE", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "spec.nodeName" } } }];
        pod.Spec.Containers[0].Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m") } };

        var created = await client.CoreV1.CreateNamespacedPodAsync(pod, "default", cancellationToken: ct);

        Assert.NotNull(created.Spec.Volumes[0].EmptyDir);
        Assert.Equal(420, created.Spec.Volumes[1].ConfigMap.DefaultMode);
        var probe = created.Spec.Containers[0].ReadinessProbe;
        Assert.Equal((1, 10, 1, 3, "/", "HTTP"), (probe.TimeoutSeconds, probe.PeriodSeconds, probe.SuccessThreshold, probe.FailureThreshold, probe.HttpGet.Path, probe.HttpGet.Scheme));
        Assert.Equal("100m", created.Spec.Containers[0].Resources.Requests["cpu"].ToString());
        Assert.Equal("v1", created.Spec.Containers[0].Env[0].ValueFrom.FieldRef.ApiVersion);

        // A PUT of the original (undefaulted) object, and a merge patch that removes a defaulted field, keep the defaults.
        pod.Metadata.ResourceVersion = null;
        pod.Spec.Containers[0].Image = "busybox:1.37";
        var replaced = await client.CoreV1.ReplaceNamespacedPodAsync(pod, "worker", "default", cancellationToken: ct);
        Assert.Equal("busybox:1.37", replaced.Spec.Containers[0].Image);
        Assert.NotNull(replaced.Spec.Volumes[0].EmptyDir);
        Assert.Equal("ClusterFirst", replaced.Spec.DnsPolicy);

        var patched = await client.CoreV1.PatchNamespacedPodAsync(
            new V1Patch("""{"spec":{"dnsPolicy":null,"containers":[{"name":"main","image":"busybox:1.38"}]}}""", V1Patch.PatchType.StrategicMergePatch),
            "worker", "default", cancellationToken: ct);
        Assert.Equal("busybox:1.38", patched.Spec.Containers[0].Image);
        Assert.Equal("ClusterFirst", patched.Spec.DnsPolicy);
        Assert.Equal("File", patched.Spec.Containers[0].TerminationMessagePolicy);
    }

    [Fact]
    public async Task Typed_replace_of_a_pod_without_networks_keeps_the_stored_networks()
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(
            new FakeClusterOptions
            {
                FeatureGates = FeatureGates.Parse("MultiNetwork=true"),
                RuntimeConfig = new Dictionary<string, bool> { ["api/alpha"] = true },
            },
            ct);
        var client = cluster.Client;
        await client.CoreV1.CreateNamespacedPodAsync(E2E.Pod("worker"), "default", cancellationToken: ct);
        var stored = await ReadNetworksAsync(cluster, ct);
        Assert.NotNull(stored);

        // The typed model has no spec.networks: what the client sends back lacks it.
        var pod = await client.CoreV1.ReadNamespacedPodAsync("worker", "default", cancellationToken: ct);
        pod.Spec.Containers[0].Image = "busybox:1.37";
        var replaced = await client.CoreV1.ReplaceNamespacedPodAsync(pod, "worker", "default", cancellationToken: ct);

        Assert.Equal("busybox:1.37", replaced.Spec.Containers[0].Image);
        Assert.True(JsonNode.DeepEquals(stored, await ReadNetworksAsync(cluster, ct)));

        // An explicit list is compared as written: spec.networks stays immutable.
        var changed = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => client.CoreV1.PatchNamespacedPodAsync(
            new V1Patch("""{"spec":{"networks":[]}}""", V1Patch.PatchType.MergePatch), "worker", "default", cancellationToken: ct));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, changed.Response.StatusCode);
        Assert.Contains("pod updates may not change fields other than", changed.Response.Content, StringComparison.Ordinal);
    }

    private static async Task<JsonNode?> ReadNetworksAsync(FakeCluster cluster, CancellationToken ct)
    {
        using var http = cluster.CreateHttpClient();
        var json = JsonNode.Parse(await http.GetStringAsync(new Uri(cluster.BaseAddress, "api/v1/namespaces/default/pods/worker"), ct));
        return json?["spec"]?["networks"];
    }
}
