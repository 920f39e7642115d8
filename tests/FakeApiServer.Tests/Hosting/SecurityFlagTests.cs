using System.Net;
using FakeApiServer.Hosting;
using k8s;

namespace FakeApiServer.Tests.Hosting;

/// <summary>The security flags: how they parse, and the program serving TLS with the kubeconfig it writes.</summary>
public sealed class SecurityFlagTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fakeapiserver-security-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Defaults_are_plain_http_on_loopback_anonymous_auth_and_upstreams_limits()
    {
        var options = CommandLine.Parse([]);

        Assert.False(options.ServesTls);
        Assert.False(options.AuthenticatesRequests);
        Assert.True(options.Authentication.Anonymous);
        Assert.Equal((400, 200, TimeSpan.FromMinutes(1), 1000), (options.Limits.MaxRequestsInflight, options.Limits.MaxMutatingRequestsInflight, options.Limits.RequestTimeout, options.Limits.MaxWatchesPerUser));
    }

    [Fact]
    public void A_non_loopback_bind_address_serves_tls_unless_tls_is_switched_off()
    {
        Assert.True(CommandLine.Parse(["--bind-address=0.0.0.0"]).ServesTls);
        Assert.False(CommandLine.Parse(["--bind-address=0.0.0.0", "--tls=false", "--insecure-allow-any-address"]).ServesTls);
    }

    [Fact]
    public void Plain_http_off_loopback_is_refused_without_insecure_allow_any_address()
    {
        var error = Assert.Throws<FormatException>(() => CommandLine.Parse(["--bind-address=0.0.0.0", "--tls=false"]));

        Assert.StartsWith("refusing to serve plain http on 0.0.0.0, which is not a loopback address", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ipv4_mapped_bind_address_is_a_bad_flag()
    {
        var error = Assert.Throws<FormatException>(() => CommandLine.Parse(["--bind-address=::ffff:127.0.0.1"]));

        Assert.Equal("invalid value \"::ffff:127.0.0.1\" for flag --bind-address: must not be an IPv4-mapped IPv6 address; use 127.0.0.1", error.Message);
    }

    [Fact]
    public void Security_flags_set_their_options()
    {
        var options = CommandLine.Parse([
            "--tls", "--tls-cert-file=s.crt", "--tls-private-key-file", "s.key", "--client-ca-file=ca.crt", "--token-auth-file=t.csv",
            "--anonymous-auth=false", "--max-requests-inflight=10", "--max-mutating-requests-inflight=0", "--request-timeout=1m30s",
            "--max-watches-per-user=5"]);

        Assert.True(options.ServesTls);
        Assert.Equal(("s.crt", "s.key", "ca.crt"), (options.Tls.CertFile, options.Tls.PrivateKeyFile, options.Tls.ClientCaFile));
        Assert.Equal(("t.csv", false), (options.Authentication.TokenAuthFile, options.Authentication.Anonymous));
        Assert.Equal((10, 0, TimeSpan.FromSeconds(90), 5), (options.Limits.MaxRequestsInflight, options.Limits.MaxMutatingRequestsInflight, options.Limits.RequestTimeout, options.Limits.MaxWatchesPerUser));
    }

    [Theory]
    [InlineData("--tls-cert-file=s.crt", "--tls-cert-file and --tls-private-key-file go together")]
    [InlineData("--request-timeout=soon", "invalid value \"soon\" for flag --request-timeout: must be a duration such as 60s or 1m0s")]
    [InlineData("--max-requests-inflight=-1", "invalid value \"-1\" for flag --max-requests-inflight: must be a whole number (0 for no limit)")]
    [InlineData("--anonymous-auth=maybe", "invalid value \"maybe\" for flag --anonymous-auth: must be true or false")]
    public void Bad_security_flags_are_rejected_with_a_one_line_message(string arg, string message)
    {
        var error = Assert.Throws<FormatException>(() => CommandLine.Parse([arg]));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task The_tls_flag_serves_https_and_the_written_kubeconfig_authenticates_as_admin_with_anonymous_auth_off()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var data = Path.Combine(_dir, "data");
        var kubeconfig = Path.Combine(_dir, "kubeconfig");
        using var server = ServerProcess.Start("--tls", "--anonymous-auth=false", "--port=0", "--data-dir", data, "--kubeconfig-out", kubeconfig, "--sync=normal");
        var url = await ServerProcess.WaitForKubeconfigAsync(kubeconfig, server, cts.Token);

        using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        var namespaces = await client.CoreV1.ListNamespaceAsync(cancellationToken: cts.Token);
        using var insecure = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator }) { BaseAddress = url };
        using var anonymous = await insecure.GetAsync("api/v1/namespaces", cts.Token);

        Assert.Equal("https", url.Scheme);
        Assert.Contains(namespaces.Items, n => n.Metadata.Name == "default");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.True(File.Exists(Path.Combine(data, "pki", "ca.crt")));
        server.Terminate();
        Assert.Equal(0, await server.WaitForExitAsync(cts.Token));
    }

    [Fact]
    public async Task An_unreadable_token_file_prints_one_line_and_exits_with_code_2()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var server = ServerProcess.Start("--in-memory", "--port=0", "--token-auth-file", Path.Combine(_dir, "missing.csv"));

        var code = await server.WaitForExitAsync(cts.Token);

        Assert.Equal(2, code);
        Assert.StartsWith("fakeapiserver: cannot read token file", server.Stderr.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain('\n', server.Stderr.Trim());
    }
}
