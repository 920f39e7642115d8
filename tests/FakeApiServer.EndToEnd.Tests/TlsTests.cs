using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>kubectl over TLS (HTTP/2) with the kubeconfig the server writes: the CA and the admin client certificate.</summary>
public sealed class TlsTests
{
    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Kubectl_creates_gets_and_watches_over_tls_with_the_written_kubeconfig(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Tls = true }, ct);
        using var kubectl = Kubectl.For(cluster, version);
        Assert.Contains("server: https://", File.ReadAllText(kubectl.Kubeconfig), StringComparison.Ordinal);

        (await kubectl.RunAsync("create", "-f", kubectl.WriteFile("over-tls.yaml", ConfigMap("over-tls", "a: \"1\"")))).Succeeded();
        var get = (await kubectl.RunAsync("get", "configmap", "over-tls")).Succeeded();
        Assert.Equal(["over-tls", "1", get.Row("over-tls")[2]], get.Row("over-tls"));

        await using var watch = kubectl.Start("get", "configmaps", "-w");
        var header = await watch.WaitForLineAsync(c => c is ["NAME", "DATA", "AGE"], 0, E2E.Wait, "with the header");
        await watch.WaitForLineAsync(c => c is ["over-tls", "1", _], header, E2E.Wait, "with the existing configmap");
        (await kubectl.RunAsync("create", "-f", kubectl.WriteFile("watched.yaml", ConfigMap("watched", "a: \"1\"\n  b: \"2\"")))).Succeeded();
        await watch.WaitForLineAsync(c => c is ["watched", "2", _], header, E2E.Wait, "for the configmap created while watching");
        var result = await watch.StopAsync();
        Assert.True(result.Stderr.Length == 0, "expected an empty stderr: " + result);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Kubectl_with_an_unknown_token_instead_of_the_client_certificate_is_refused_with_401_Unauthorized(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Tls = true }, ct);
        using var kubectl = Kubectl.For(cluster, version);
        var text = File.ReadAllText(kubectl.Kubeconfig);
        var userStart = text.IndexOf("    client-certificate-data:", StringComparison.Ordinal);
        var userEnd = text.IndexOf("contexts:", StringComparison.Ordinal);
        File.WriteAllText(kubectl.Kubeconfig, text[..userStart] + "    token: not-a-known-token\n" + text[userEnd..]);

        var result = await kubectl.RunAsync("get", "configmaps");

        Assert.NotEqual(0, result.ExitCode);
        // kubectl's words for a 401, as against kube-apiserver: discovery is refused first.
        Assert.True(
            result.Stderr.Contains("error: You must be logged in to the server (the server has asked for the client to provide credentials)", StringComparison.Ordinal),
            result.ToString());
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Over_tls_rbac_is_the_default_the_admin_certificate_is_a_master_and_a_request_without_credentials_is_forbidden(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Tls = true }, ct);
        using var kubectl = Kubectl.For(cluster, version);

        // The written kubeconfig is the admin: allowed everything, and it may impersonate.
        Assert.Equal("yes", (await kubectl.RunAsync("auth", "can-i", "delete", "secrets", "-n", "kube-system")).Succeeded().Stdout.Trim());
        var asBob = await kubectl.RunAsync("get", "configmaps", "--as=bob");
        Assert.NotEqual(0, asBob.ExitCode);
        Assert.Contains(
            "Error from server (Forbidden): configmaps is forbidden: User \"bob\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"default\"",
            asBob.Stderr, StringComparison.Ordinal);

        // Without credentials: anonymous, and RBAC refuses it as kube-apiserver does.
        using var anonymous = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator })
        {
            BaseAddress = cluster.BaseAddress,
        };
        using var response = await anonymous.GetAsync("/api/v1/namespaces/default/configmaps", ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("\"kind\":\"Status\"", body, StringComparison.Ordinal);
        Assert.Contains(
            "configmaps is forbidden: User \\\"system:anonymous\\\" cannot list resource \\\"configmaps\\\" in API group \\\"\\\" in the namespace \\\"default\\\"",
            body, StringComparison.Ordinal);
    }

    private static string ConfigMap(string name, string data) => $"""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {name}
        data:
          {data}
        """;
}
