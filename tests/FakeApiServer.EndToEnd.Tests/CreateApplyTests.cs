using FakeApiServer.Testing;
using k8s;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// kubectl create -f and apply -f with client validation on (the default): they need /openapi/v3 (and, on 1.27/1.28,
/// the /openapi/v2 stub) and send fieldValidation=Strict.
/// </summary>
public sealed class CreateApplyTests
{
    private static readonly string[] Created =
    [
        "namespace/shop created",
        "configmap/settings created",
        "deployment.apps/web created",
        "pod/worker created",
        "service/web created",
    ];

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Create_of_a_multi_document_manifest_creates_every_object(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = kubectl.WriteFile("app.yaml", E2E.Manifest("shop"));

        var create = (await kubectl.RunAsync("create", "-f", manifest)).Succeeded();

        Assert.Equal(Created, create.Lines);
        var client = cluster.Client;
        Assert.Equal("Active", (await client.CoreV1.ReadNamespaceAsync("shop", cancellationToken: ct)).Status.Phase);
        Assert.Equal("blue", (await client.CoreV1.ReadNamespacedConfigMapAsync("settings", "shop", cancellationToken: ct)).Data["color"]);
        Assert.Equal(2, (await client.AppsV1.ReadNamespacedDeploymentAsync("web", "shop", cancellationToken: ct)).Spec.Replicas);
        Assert.Equal("busybox:1.36", (await client.CoreV1.ReadNamespacedPodAsync("worker", "shop", cancellationToken: ct)).Spec.Containers[0].Image);
        var service = await client.CoreV1.ReadNamespacedServiceAsync("web", "shop", cancellationToken: ct);
        Assert.Equal("ClusterIP", service.Spec.Type);
        Assert.StartsWith("10.96.", service.Spec.ClusterIP, StringComparison.Ordinal);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Create_of_an_existing_object_prints_AlreadyExists(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = kubectl.WriteFile("app.yaml", E2E.Manifest("shop"));
        (await kubectl.RunAsync("create", "-f", manifest)).Succeeded();

        var again = await kubectl.RunAsync("create", "-f", manifest);

        Assert.Equal(1, again.ExitCode);
        Assert.Equal("", again.Stdout);
        Assert.Equal(
        [
            "Error from server (AlreadyExists): error when creating \"app.yaml\": namespaces \"shop\" already exists",
            "Error from server (AlreadyExists): error when creating \"app.yaml\": configmaps \"settings\" already exists",
            "Error from server (AlreadyExists): error when creating \"app.yaml\": deployments.apps \"web\" already exists",
            "Error from server (AlreadyExists): error when creating \"app.yaml\": pods \"worker\" already exists",
            "Error from server (AlreadyExists): error when creating \"app.yaml\": services \"web\" already exists",
        ], again.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Replace(manifest, "app.yaml", StringComparison.Ordinal)));
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Create_with_an_unknown_field_is_rejected_by_strict_field_validation(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = kubectl.WriteFile("bad.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: bad
            data:
              a: "1"
            colour: blue
            """);

        var create = await kubectl.RunAsync("create", "-f", manifest);

        Assert.Equal(1, create.ExitCode);
        Assert.Contains("unknown field \"colour\"", create.Stderr, StringComparison.Ordinal);
        Assert.Equal("", create.Stdout);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Apply_of_new_objects_creates_them_with_the_last_applied_annotation(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = kubectl.WriteFile("app.yaml", E2E.Manifest("shop"));

        var apply = (await kubectl.RunAsync("apply", "-f", manifest)).Succeeded();

        Assert.Equal(Created, apply.Lines);
        var configMap = await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("settings", "shop", cancellationToken: ct);
        Assert.Contains("\"color\":\"blue\"", configMap.Metadata.Annotations["kubectl.kubernetes.io/last-applied-configuration"], StringComparison.Ordinal);
        var deployment = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "shop", cancellationToken: ct);
        Assert.True(deployment.Metadata.Annotations.ContainsKey("kubectl.kubernetes.io/last-applied-configuration"));
    }

    /// <summary>Client-side apply of changed objects: a three-way strategic merge patch for built-in kinds.</summary>
    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Apply_of_changed_objects_patches_them(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = E2E.Manifest("shop");
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("app.yaml", manifest))).Succeeded();
        var changed = manifest
            .Replace("color: blue", "color: green", StringComparison.Ordinal)
            .Replace("replicas: 2", "replicas: 3", StringComparison.Ordinal)
            .Replace("image: nginx:1.27", "image: nginx:1.28", StringComparison.Ordinal);

        var apply = (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("changed.yaml", changed))).Succeeded();

        Assert.Equal(
        [
            "namespace/shop unchanged",
            "configmap/settings configured",
            "deployment.apps/web configured",
            "pod/worker unchanged",
            "service/web unchanged",
        ], apply.Lines);
        var configMap = await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("settings", "shop", cancellationToken: ct);
        Assert.Equal("green", configMap.Data["color"]);
        Assert.Equal("3", configMap.Data["size"]);
        var deployment = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "shop", cancellationToken: ct);
        Assert.Equal(3, deployment.Spec.Replicas);
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Equal("nginx:1.28", container.Image);
        Assert.Equal("COLOR", Assert.Single(container.Env).Name);
    }

    /// <summary>
    /// kubectl 1.30+ computes the three-way strategic merge patch from the /openapi/v3 schemas, so every field of the
    /// live object must be in them; otherwise it warns "error calculating patch from openapi v3 spec".
    /// </summary>
    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Apply_of_unchanged_objects_reports_them_unchanged(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = kubectl.WriteFile("app.yaml", E2E.Manifest("shop"));
        (await kubectl.RunAsync("apply", "-f", manifest)).Succeeded();

        var again = (await kubectl.RunAsync("apply", "-f", manifest)).Succeeded();

        Assert.Equal(Created.Select(l => l.Replace(" created", " unchanged", StringComparison.Ordinal)), again.Lines);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Apply_server_side_creates_new_objects(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = kubectl.WriteFile("cm.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: ssa
            data:
              a: "1"
            """);

        var apply = (await kubectl.RunAsync("apply", "--server-side", "-f", manifest)).Succeeded();

        Assert.Equal(["configmap/ssa serverside-applied"], apply.Lines);
        var configMap = await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("ssa", "default", cancellationToken: ct);
        Assert.Equal("1", configMap.Data["a"]);
    }
}
