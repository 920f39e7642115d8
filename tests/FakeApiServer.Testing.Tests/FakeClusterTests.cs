using FakeApiServer.Controllers;
using FakeApiServer.Features;
using k8s;

namespace FakeApiServer.Testing.Tests;

public sealed class FakeClusterTests
{
    private const string ConfigMaps = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: team-a
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: team-a
        data:
          color: blue
        """;

    private const string Widgets = """
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: w1
          namespace: default
        spec:
          size: 3
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          scope: Namespaced
          names:
            plural: widgets
            singular: widget
            kind: Widget
            listKind: WidgetList
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                x-kubernetes-preserve-unknown-fields: true
        """;

    [Fact]
    public async Task A_chosen_controller_list_still_gives_pods_in_a_new_namespace_their_default_service_account()
    {
        var ct = TestContext.Current;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.Parse("namespace") }, ct);
        await cluster.ApplyAsync(ConfigMaps, ct);

        var pod = await cluster.Client.CoreV1.CreateNamespacedPodAsync(
            new k8s.Models.V1Pod { Metadata = new() { Name = "p" }, Spec = new() { Containers = [new() { Name = "c", Image = "busybox" }] } }, "team-a", cancellationToken: ct);

        Assert.Equal("default", pod.Spec.ServiceAccountName);
        Assert.Contains(pod.Spec.Volumes, v => v.Name.StartsWith("kube-api-access-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_the_serviceaccount_controller_a_pod_is_refused_for_its_missing_account()
    {
        var ct = TestContext.Current;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.Parse("namespace,-serviceaccount") }, ct);
        await cluster.ApplyAsync(ConfigMaps, ct);

        var refused = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedPodAsync(
            new k8s.Models.V1Pod { Metadata = new() { Name = "p" }, Spec = new() { Containers = [new() { Name = "c", Image = "busybox" }] } }, "team-a", cancellationToken: ct));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Equal(
            "pods \"p\" is forbidden: error looking up service account team-a/default: serviceaccount \"default\" not found",
            (string?)System.Text.Json.Nodes.JsonNode.Parse(refused.Response.Content)!["message"]);
    }

    [Fact]
    public async Task TwoClustersInOneProcessAreIsolated()
    {
        var ct = TestContext.Current;
        await using var a = await FakeCluster.StartAsync(ct);
        await using var b = await FakeCluster.StartAsync(ct);
        Assert.NotEqual(a.BaseAddress, b.BaseAddress);

        await a.ApplyAsync(ConfigMaps, ct);

        Assert.Equal("blue", (await a.Client.CoreV1.ReadNamespacedConfigMapAsync("settings", "team-a", cancellationToken: ct)).Data["color"]);
        var inB = await b.Client.CoreV1.ListNamespaceAsync(cancellationToken: ct);
        Assert.DoesNotContain(inB.Items, n => n.Metadata.Name == "team-a");
    }

    [Fact]
    public async Task ApplyOrdersCrdsFirstAndReapplyUpdates()
    {
        var ct = TestContext.Current;
        await using var cluster = await FakeCluster.StartAsync(ct);

        // The Widget comes before its CRD in the text: the CRD is applied (and Established) first.
        var applied = await cluster.ApplyAsync(Widgets, ct);
        Assert.Equal(["CustomResourceDefinition", "Widget"], applied.Select(o => (string?)o["kind"]));

        var again = await cluster.ApplyAsync(Widgets.Replace("size: 3", "size: 4", StringComparison.Ordinal), ct);
        Assert.Equal(4, (int?)again[1]["spec"]?["size"]);
    }

    [Fact]
    public async Task ResetRemovesWhatTestsCreatedAndKeepsStartObjects()
    {
        var ct = TestContext.Current;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var before = await cluster.Client.CoreV1.ListNamespaceAsync(cancellationToken: ct);

        await cluster.ApplyAsync(ConfigMaps, ct);
        await cluster.ApplyAsync(Widgets, ct);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(
            new k8s.Models.V1Pod
            {
                Metadata = new() { Name = "p", Finalizers = ["example.com/keep"] },
                Spec = new() { Containers = [new() { Name = "c", Image = "busybox" }] },
            },
            "default", cancellationToken: ct);
        await cluster.Client.CoreV1.PatchNamespaceAsync(
            new k8s.Models.V1Patch("""{"metadata":{"labels":{"touched":"yes"}}}""", k8s.Models.V1Patch.PatchType.MergePatch), "kube-public", cancellationToken: ct);
        var rvBefore = long.Parse((await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("team-a", cancellationToken: ct)).Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture);

        await cluster.ResetAsync(ct);

        // Objects of the test are gone, finalizers notwithstanding.
        Assert.DoesNotContain((await cluster.Client.CoreV1.ListConfigMapForAllNamespacesAsync(cancellationToken: ct)).Items, c => c.Metadata.Name == "settings");
        Assert.Empty((await cluster.Client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: ct)).Items);
        Assert.Empty((await cluster.Client.ApiextensionsV1.ListCustomResourceDefinitionAsync(cancellationToken: ct)).Items);
        var groups = await cluster.Client.Apis.GetAPIVersionsAsync(cancellationToken: ct);
        Assert.DoesNotContain(groups.Groups, g => g.Name == "example.com");

        // Start objects are back, as they were, at new resourceVersions.
        var after = await cluster.Client.CoreV1.ListNamespaceAsync(cancellationToken: ct);
        Assert.Equal(before.Items.Select(n => n.Metadata.Name).Order(), after.Items.Select(n => n.Metadata.Name).Order());
        var kubePublic = after.Items.Single(n => n.Metadata.Name == "kube-public");
        Assert.False(kubePublic.Metadata.Labels?.ContainsKey("touched") ?? false);
        Assert.True(long.Parse(kubePublic.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) > rvBefore);
        Assert.True(long.Parse(after.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) > rvBefore);
        Assert.NotNull(await cluster.Client.CoreV1.ReadNamespacedServiceAsync("kubernetes", "default", cancellationToken: ct));

        // Watchers see the reset as DELETED events.
        // A watch from before the reset sees the reset as a DELETED event.
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var stream = new StreamReader(await http.GetStreamAsync(
            new Uri($"api/v1/namespaces/team-a/configmaps?watch=1&resourceVersion={rvBefore}", UriKind.Relative), ct));
        var deleted = new List<string>();
        while (await stream.ReadLineAsync(ct) is { } line)
        {
            var change = System.Text.Json.Nodes.JsonNode.Parse(line)!;
            if ((string?)change["type"] == "DELETED")
            {
                deleted.Add((string)change["object"]!["metadata"]!["name"]!);
                break;
            }
        }

        Assert.Equal(["settings"], deleted);

        // A second reset with nothing changed writes nothing.
        var rv = (await cluster.Client.CoreV1.ListNamespaceAsync(cancellationToken: ct)).Metadata.ResourceVersion;
        await cluster.ResetAsync(ct);
        Assert.Equal(rv, (await cluster.Client.CoreV1.ListNamespaceAsync(cancellationToken: ct)).Metadata.ResourceVersion);
    }

    [Fact]
    public async Task WriteKubeconfigPointsAtTheCluster()
    {
        var ct = TestContext.Current;
        await using var cluster = await FakeCluster.StartAsync(ct);

        // docs/testing.md shows these two lines.
        var kubeconfig = Path.Combine(Path.GetTempPath(), "fakeapiserver-kubeconfig.yaml");
        cluster.WriteKubeconfig(kubeconfig);

        var text = await File.ReadAllTextAsync(kubeconfig, ct);
        Assert.Contains(cluster.BaseAddress.ToString().TrimEnd('/'), text, StringComparison.Ordinal);
        Assert.Contains("fakeapiserver", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForTimesOutNamingTheObjectAndItsLastState()
    {
        var ct = TestContext.Current;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var e = await Assert.ThrowsAsync<TimeoutException>(() =>
            cluster.WaitForAsync("v1", "Namespace", null, "default", o => o["metadata"]?["labels"]?["never"] is not null, TimeSpan.FromMilliseconds(100), ct));
        Assert.Contains("Namespace default", e.Message, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"default\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MultiNetworkWalkthroughPodsReachRunning()
    {
        var ct = TestContext.Current;
        await using var cluster = await FakeCluster.StartAsync(
            new FakeClusterOptions
            {
                FeatureGates = FeatureGates.Default.With(FeatureName.MultiNetwork, true),
                RuntimeConfig = new Dictionary<string, bool> { ["api/alpha"] = true },
                Controllers = ControllerSelection.All,
            },
            ct);

        await cluster.ApplyFolderAsync(FixturePaths.Folder("multinetwork"), ct);

        var ubuntu = await cluster.WaitForAsync(
            "v1", "Pod", "default", "ubuntu", pod => (string?)pod["status"]?["phase"] == "Running", TimeSpan.FromSeconds(30), ct);
        Assert.Equal("Running", (string?)ubuntu["status"]?["phase"]);
        var running = await cluster.WaitForPodsRunningAsync("default", 3, TimeSpan.FromSeconds(30), ct);
        Assert.Equal(3, running.Count);

        // The reset brings the controller-driven cluster back too.
        var nodes = (await cluster.Client.CoreV1.ListNodeAsync(cancellationToken: ct)).Items.Count;
        await cluster.ResetAsync(ct);
        Assert.Empty((await cluster.Client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: ct)).Items);
        Assert.Equal(nodes, (await cluster.Client.CoreV1.ListNodeAsync(cancellationToken: ct)).Items.Count);
        Assert.NotEmpty((await cluster.Client.CoreV1.ListNodeAsync(cancellationToken: ct)).Items);
    }
}

/// <summary>The cancellation token of a test: none in xUnit 2.</summary>
internal static class TestContext
{
    public static CancellationToken Current => CancellationToken.None;
}
