using System.Net;

namespace FakeApiServer.Tests.Hosting;

/// <summary>Feature gates and runtime config of the fakeapiserver program: the shipped defaults, switching them off, and bad gates.</summary>
public sealed class FeatureGateProgramTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fakeapiserver-gates-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Unknown_feature_gate_refuses_to_start_with_upstreams_message()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var server = ServerProcess.Start("--in-memory", "--port=0", "--feature-gates=MultiNetwork=true,NoSuchGate=true");

        var code = await server.WaitForExitAsync(cts.Token);

        Assert.Equal(2, code);
        Assert.Equal("Error: invalid value \"MultiNetwork=true,NoSuchGate=true\" for flag --feature-gates: unrecognized feature gate: NoSuchGate",
            server.Stderr.Trim());
    }

    [Fact]
    public async Task Runtime_config_naming_an_unknown_version_of_a_known_group_refuses_to_start()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var server = ServerProcess.Start("--in-memory", "--port=0", "--runtime-config=networking.k8s.io/v2=true");

        var code = await server.WaitForExitAsync(cts.Token);

        Assert.Equal(2, code);
        Assert.Equal("fakeapiserver: invalid value for flag --runtime-config: group version networking.k8s.io/v2 that has not been registered",
            server.Stderr.Trim());
    }

    [Fact]
    public async Task Shipped_configuration_turns_multi_network_and_alpha_apis_on()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var kubeconfig = Path.Combine(_dir, "kubeconfig");
        using var server = ServerProcess.Start("--in-memory", "--port=0", "--kubeconfig-out", kubeconfig);
        var url = await ServerProcess.WaitForKubeconfigAsync(kubeconfig, server, cts.Token);
        using var http = new HttpClient { BaseAddress = url };

        var metrics = await http.GetStringAsync("metrics", cts.Token);
        using var podNetworks = await http.GetAsync("apis/networking.k8s.io/v1alpha1/podnetworks", cts.Token);

        Assert.Contains("kubernetes_feature_enabled{name=\"MultiNetwork\",stage=\"ALPHA\"} 1\n", metrics, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, podNetworks.StatusCode);
    }

    [Fact]
    public async Task Flags_switch_the_gate_and_the_group_version_off()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var kubeconfig = Path.Combine(_dir, "kubeconfig");
        using var server = ServerProcess.Start("--in-memory", "--port=0", "--kubeconfig-out", kubeconfig,
            "--feature-gates=MultiNetwork=false", "--runtime-config=networking.k8s.io/v1alpha1=false");
        var url = await ServerProcess.WaitForKubeconfigAsync(kubeconfig, server, cts.Token);
        using var http = new HttpClient { BaseAddress = url };

        var metrics = await http.GetStringAsync("metrics", cts.Token);
        var groups = await http.GetStringAsync("apis", cts.Token);
        using var podNetworks = await http.GetAsync("apis/networking.k8s.io/v1alpha1/podnetworks", cts.Token);

        Assert.Contains("kubernetes_feature_enabled{name=\"MultiNetwork\",stage=\"ALPHA\"} 0\n", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("networking.k8s.io/v1alpha1", groups, StringComparison.Ordinal);
        Assert.Contains("\"groupVersion\":\"networking.k8s.io/v1\"", groups, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, podNetworks.StatusCode);
    }
}
