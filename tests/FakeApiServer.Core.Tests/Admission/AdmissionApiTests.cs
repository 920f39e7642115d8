using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Admission.Plugins;
using FakeApiServer.Features;
using FakeApiServer.Hosting;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Admission;

/// <summary>The built-in admission plugins through the HTTP API of a running server.</summary>
public sealed class AdmissionApiTests
{
    private static readonly FakeClusterOptions MultiNetworkOn = new()
    {
        FeatureGates = FeatureGates.Parse("MultiNetwork=true"),
        RuntimeConfig = new Dictionary<string, bool> { ["api/alpha"] = true },
    };

    private const string DefaultEntry = """{"podNetworkName":"kubernetes","interfaceName":"eth0","isDefaultGW4":true,"isDefaultGW6":true}""";

    private static string PodJson(string name, string spec) =>
        $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}"},"spec":{"containers":[{"name":"app","image":"nginx"}]{{{(spec.Length > 0 ? "," + spec : "")}}}}}""";

    private static async Task<HttpResponseMessage> CreatePodAsync(HttpClient http, string name, string spec, CancellationToken ct, string query = "") =>
        await http.PostAsync("/api/v1/namespaces/default/pods" + query, Json(PodJson(name, spec)), ct);

    [Fact]
    public async Task Pod_network_appends_the_default_network_and_leaves_host_network_pods_alone()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, ct);
        using var http = cluster.Http();

        using var created = await CreatePodAsync(http, "ubuntu", "\"networks\":[{\"podNetworkName\":\"dataplane\",\"interfaceName\":\"net1\"}]", ct);
        using var host = await CreatePodAsync(http, "host", "\"hostNetwork\":true", ct);
        using var dryRun = await CreatePodAsync(http, "dry", "", ct, "?dryRun=All");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var pod = await created.ReadObjectAsync(ct);
        Assert.Equal($$"""[{"podNetworkName":"dataplane","interfaceName":"net1"},{{DefaultEntry}}]""", pod["spec"]!["networks"]!.ToJsonString());
        Assert.Equal("default", (string?)pod["spec"]!["serviceAccountName"]);
        Assert.Equal(2, pod["spec"]!["tolerations"]!.AsArray().Count);
        var stored = await (await http.GetAsync("/api/v1/namespaces/default/pods/ubuntu", ct)).ReadObjectAsync(ct);
        Assert.Equal(pod["spec"]!["networks"]!.ToJsonString(), stored["spec"]!["networks"]!.ToJsonString());
        Assert.Null((await host.ReadObjectAsync(ct))["spec"]!["networks"]);
        Assert.Equal($"[{DefaultEntry}]", (await dryRun.ReadObjectAsync(ct))["spec"]!["networks"]!.ToJsonString());
    }

    [Theory]
    [InlineData("\"hostNetwork\":true,\"networks\":[{\"podNetworkName\":\"kubernetes\",\"isDefaultGW4\":true,\"isDefaultGW6\":true}]", PodNetworkPlugin.HostNetworkMessage)]
    [InlineData("\"networks\":[{\"podNetworkName\":\"kubernetes\",\"interfaceName\":\"eth0\",\"isDefaultGW4\":true}]", PodNetworkPlugin.DefaultGatewayMessage)]
    [InlineData("\"networks\":[{\"podNetworkName\":\"dataplane\",\"interfaceName\":\"net1\",\"isDefaultGW4\":true}]", PodNetworkPlugin.OnlyDefaultGatewayMessage)]
    [InlineData("\"networks\":[{\"podNetworkName\":\"kubernetes\",\"interfaceName\":\"eth0\",\"isDefaultGW4\":true,\"isDefaultGW6\":true},{\"podNetworkName\":\"kubernetes\",\"interfaceName\":\"eth1\",\"isDefaultGW4\":true,\"isDefaultGW6\":true}]", PodNetworkPlugin.DefaultTwiceMessage)]
    public async Task Pod_network_refuses_with_403_and_the_specs_message(string spec, string message)
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, ct);
        using var http = cluster.Http();

        using var response = await CreatePodAsync(http, "bad", spec, ct);

        var status = await response.AssertStatusAsync(HttpStatusCode.Forbidden, "Forbidden", $"pods \"bad\" is forbidden: {message}", ct);
        Assert.Equal("bad", (string?)status["details"]!["name"]);
        Assert.Equal("pods", (string?)status["details"]!["kind"]);
    }

    [Fact]
    public async Task Pod_network_judges_updates_but_not_status_writes()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        var dataDir = Directory.CreateTempSubdirectory("fakeapiserver-admission-").FullName;
        try
        {
            // A pod stored without a default network (the plugin off), then judged by a server with the plugin on.
            await using (var lax = await FakeCluster.StartAsync(MultiNetworkOn with { DataDir = dataDir, DisableAdmissionPlugins = ["PodNetwork"] }, ct))
            {
                using var laxHttp = lax.Http();
                (await CreatePodAsync(laxHttp, "legacy", "", ct)).EnsureSuccessStatusCode();
            }

            await using var strict = await FakeCluster.StartAsync(MultiNetworkOn with { DataDir = dataDir }, ct);
            using var http = strict.Http();
            using var patch = await http.PatchAsync("/api/v1/namespaces/default/pods/legacy",
                Json("""{"metadata":{"labels":{"a":"b"}}}""", "application/merge-patch+json"), ct);
            using var status = await http.PatchAsync("/api/v1/namespaces/default/pods/legacy/status",
                Json("""{"status":{"phase":"Running"}}""", "application/merge-patch+json"), ct);

            await patch.AssertStatusAsync(HttpStatusCode.Forbidden, "Forbidden", $"pods \"legacy\" is forbidden: {PodNetworkPlugin.MissingDefaultMessage}", ct);
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Disabled_pod_network_stores_the_pod_networks_as_sent()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn with { DisableAdmissionPlugins = ["PodNetwork"] }, ct);
        using var http = cluster.Http();

        using var response = await CreatePodAsync(http, "raw", "\"networks\":[{\"podNetworkName\":\"dataplane\",\"interfaceName\":\"net1\",\"isDefaultGW4\":true}]", ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("""[{"podNetworkName":"dataplane","interfaceName":"net1","isDefaultGW4":true}]""",
            (await response.ReadObjectAsync(ct))["spec"]!["networks"]!.ToJsonString());
    }

    [Fact]
    public async Task Without_the_gate_pods_get_no_networks()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var response = await CreatePodAsync(http, "web", "", ct);

        Assert.Null((await response.ReadObjectAsync(ct))["spec"]!["networks"]);
    }

    [Fact]
    public async Task Pod_network_named_with_the_gate_off_stops_the_start()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var error = await Assert.ThrowsAsync<FormatException>(() => FakeCluster.StartAsync(new FakeClusterOptions { EnableAdmissionPlugins = ["PodNetwork"] }, timeout.Token));
        Assert.Equal("PodNetwork admission controller is an alpha feature and requires the MultiNetwork feature gate to be enabled", error.Message);
        Assert.Equal("enable-admission-plugins plugin \"Bogus\" is unknown",
            Assert.Throws<FormatException>(() => CommandLine.Parse(["--enable-admission-plugins=Bogus"])).Message);
        Assert.Equal(AdmissionPluginsOf(CommandLine.Parse(["--disable-admission-plugins", "PodNetwork,ServiceAccount"])), ["PodNetwork", "ServiceAccount"]);
    }

    private static IReadOnlyList<string> AdmissionPluginsOf(FakeApiServerOptions options) => options.DisableAdmissionPlugins;

    [Fact]
    public async Task Pod_network_protection_keeps_the_default_network()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, ct);
        using var http = cluster.Http();
        foreach (var name in new[] { "kubernetes", "dataplane" })
        {
            (await http.PostAsync("/apis/networking.k8s.io/v1alpha1/podnetworks",
                Json($$$"""{"apiVersion":"networking.k8s.io/v1alpha1","kind":"PodNetwork","metadata":{"name":"{{{name}}}"},"spec":{"provider":"example.com/cni"}}"""), ct))
                .EnsureSuccessStatusCode();
        }

        using var refused = await http.DeleteAsync("/apis/networking.k8s.io/v1alpha1/podnetworks/kubernetes", ct);
        using var dryRun = await http.DeleteAsync("/apis/networking.k8s.io/v1alpha1/podnetworks/kubernetes?dryRun=All", ct);
        using var deleted = await http.DeleteAsync("/apis/networking.k8s.io/v1alpha1/podnetworks/dataplane", ct);

        await refused.AssertStatusAsync(HttpStatusCode.Forbidden, "Forbidden", "podnetworks \"kubernetes\" is forbidden: the default PodNetwork cannot be deleted", ct);
        await dryRun.AssertStatusAsync(HttpStatusCode.Forbidden, "Forbidden", "podnetworks \"kubernetes\" is forbidden: the default PodNetwork cannot be deleted", ct);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
    }

    [Fact]
    public async Task Namespace_lifecycle_keeps_default_namespaces_and_refuses_missing_ones()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var deleteDefault = await http.DeleteAsync("/api/v1/namespaces/kube-system", ct);
        using var missing = await http.PostAsync("/api/v1/namespaces/nowhere/configmaps",
            Json("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}"""), ct);

        await deleteDefault.AssertStatusAsync(HttpStatusCode.Forbidden, "Forbidden", "namespaces \"kube-system\" is forbidden: this namespace may not be deleted", ct);
        await missing.AssertStatusAsync(HttpStatusCode.NotFound, "NotFound", "namespaces \"nowhere\" not found", ct);
    }

    [Fact]
    public async Task Controllers_writes_pass_admission_too()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn with { Controllers = FakeApiServer.Controllers.ControllerSelection.Parse("*") }, ct);
        using var http = cluster.Http();
        (await http.PostAsync("/apis/apps/v1/namespaces/default/replicasets", Json("""
            {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"rs"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"rs"}},
             "template":{"metadata":{"labels":{"app":"rs"}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}}}
            """), ct)).EnsureSuccessStatusCode();

        JsonObject? pod = null;
        for (var i = 0; i < 100 && pod is null; i++)
        {
            var list = await (await http.GetAsync("/api/v1/namespaces/default/pods", ct)).ReadObjectAsync(ct);
            pod = list["items"]!.AsArray().OfType<JsonObject>().FirstOrDefault();
            if (pod is null)
            {
                await Task.Delay(50, ct);
            }
        }

        Assert.NotNull(pod);
        Assert.Equal($"[{DefaultEntry}]", pod["spec"]!["networks"]!.ToJsonString());
    }
}
