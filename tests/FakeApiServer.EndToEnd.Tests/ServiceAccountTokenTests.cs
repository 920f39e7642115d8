using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using k8s;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// kubectl create token (TokenRequest) with audiences, a duration and a pod binding; the token it prints is an RS256 JWT
/// the server's JWKS verifies, and over TLS it authenticates kubectl --token as the service account, under RBAC.
/// </summary>
public sealed class ServiceAccountTokenTests
{
    private const string Worker = "fakeapiserver-worker";

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Create_token_with_audiences_duration_and_a_pod_binding_prints_a_signed_jwt_with_those_claims(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        var options = new FakeClusterOptions { Controllers = ControllerSelection.Parse("namespace,garbage-collector,node-simulator") };
        await using var cluster = await FakeCluster.StartAsync(options, ct);
        using var kubectl = Kubectl.For(cluster, version);
        await E2E.EventuallyAsync(async () => (await kubectl.RunAsync("get", "nodes", "-o", "name")).Lines.Contains("node/" + Worker), "the worker node is there", ct);
        (await kubectl.RunAsync("create", "serviceaccount", "bot")).Succeeded();
        (await kubectl.RunAsync("create", "-f", kubectl.WriteFile("pod.yaml", PodOf("bot")))).Succeeded();

        var created = (await kubectl.RunAsync(
            "create", "token", "bot", "--audience=aud-one", "--audience=aud-two", "--duration=2h",
            "--bound-object-kind", "Pod", "--bound-object-name", "worker")).Succeeded();

        var token = created.Stdout.TrimEnd('\n');
        Assert.DoesNotContain('\n', token);
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        using var header = JsonDocument.Parse(Base64Url(parts[0]));
        using var claims = JsonDocument.Parse(Base64Url(parts[1]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        var root = claims.RootElement;
        Assert.Equal(["aud-one", "aud-two"], root.GetProperty("aud").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(7200, root.GetProperty("exp").GetInt64() - root.GetProperty("iat").GetInt64());
        Assert.Equal(root.GetProperty("iat").GetInt64(), root.GetProperty("nbf").GetInt64());
        Assert.Equal("https://kubernetes.default.svc.cluster.local", root.GetProperty("iss").GetString());
        Assert.Equal("system:serviceaccount:default:bot", root.GetProperty("sub").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("jti").GetString()));

        var sa = await cluster.Client.CoreV1.ReadNamespacedServiceAccountAsync("bot", "default", cancellationToken: ct);
        var pod = await cluster.Client.CoreV1.ReadNamespacedPodAsync("worker", "default", cancellationToken: ct);
        var node = await cluster.Client.CoreV1.ReadNodeAsync(Worker, cancellationToken: ct);
        var kubernetes = root.GetProperty("kubernetes.io");
        Assert.Equal("default", kubernetes.GetProperty("namespace").GetString());
        Assert.Equal(("bot", sa.Metadata.Uid), NameAndUid(kubernetes.GetProperty("serviceaccount")));
        Assert.Equal(("worker", pod.Metadata.Uid), NameAndUid(kubernetes.GetProperty("pod")));
        Assert.Equal((Worker, node.Metadata.Uid), NameAndUid(kubernetes.GetProperty("node")));
        Assert.False(kubernetes.TryGetProperty("secret", out _));

        // The signature verifies with the key of the same kid that /openid/v1/jwks publishes.
        var jwks = (await kubectl.RunAsync("get", "--raw", "/openid/v1/jwks")).Succeeded();
        using var keys = JsonDocument.Parse(jwks.Stdout);
        var kid = header.RootElement.GetProperty("kid").GetString();
        var key = keys.RootElement.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kid").GetString() == kid);
        Assert.Equal(("RSA", "RS256", "sig"), (key.GetProperty("kty").GetString(), key.GetProperty("alg").GetString(), key.GetProperty("use").GetString()));
        using var rsa = RSA.Create(new RSAParameters
        {
            Modulus = Base64Url(key.GetProperty("n").GetString()!),
            Exponent = Base64Url(key.GetProperty("e").GetString()!),
        });
        Assert.True(rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Over_tls_kubectl_with_a_created_token_is_the_service_account_and_rbac_applies_to_it(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Tls = true }, ct);
        using var admin = Kubectl.For(cluster, version);
        using var inCluster = WithoutClientCertificate(Kubectl.For(cluster, version));
        (await admin.RunAsync("create", "serviceaccount", "bot")).Succeeded();
        (await admin.RunAsync("create", "-f", admin.WriteFile("pod.yaml", PodOf("bot")))).Succeeded();
        var token = (await admin.RunAsync("create", "token", "bot", "--bound-object-kind", "Pod", "--bound-object-name", "worker")).Succeeded().Stdout.TrimEnd('\n');

        (await inCluster.RunAsync("get", "pods", "--token", token)).FailedWith(
            "Error from server (Forbidden): pods is forbidden: User \"system:serviceaccount:default:bot\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"");

        (await admin.RunAsync("create", "rolebinding", "bot-view", "--clusterrole=view", "--serviceaccount=default:bot")).Succeeded();

        var pods = (await inCluster.RunAsync("get", "pods", "--token", token)).Succeeded();
        Assert.Equal(["worker", "0/1", "Pending", "0"], pods.Row("worker").Take(4));
        (await inCluster.RunAsync("get", "pods", "-n", "kube-system", "--token", token)).FailedWith(
            "Error from server (Forbidden): pods is forbidden: User \"system:serviceaccount:default:bot\" cannot list resource \"pods\" in API group \"\" in the namespace \"kube-system\"");
        (await inCluster.RunAsync("delete", "pod", "worker", "--token", token)).FailedWith(
            "Error from server (Forbidden): pods \"worker\" is forbidden: User \"system:serviceaccount:default:bot\" cannot delete resource \"pods\" in API group \"\" in the namespace \"default\"");

        // A token for another audience is not accepted by the server: 401, as kube-apiserver's authenticator answers.
        var foreign = (await admin.RunAsync("create", "token", "bot", "--audience=vault")).Succeeded().Stdout.TrimEnd('\n');
        (await inCluster.RunAsync("get", "pods", "--token", foreign)).FailedWith("error: You must be logged in to the server (Unauthorized)");
    }

    /// <summary>The kubeconfig keeps the server and its CA but no client certificate, as an in-cluster client has.</summary>
    private static Kubectl WithoutClientCertificate(Kubectl kubectl)
    {
        var lines = File.ReadAllLines(kubectl.Kubeconfig);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("certificate-authority-data:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("client-certificate-data:", StringComparison.Ordinal));
        File.WriteAllLines(kubectl.Kubeconfig, lines.Where(l => !l.TrimStart().StartsWith("client-", StringComparison.Ordinal)));
        return kubectl;
    }

    private static string PodOf(string serviceAccount) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: worker
        spec:
          serviceAccountName: {serviceAccount}
          nodeName: {Worker}
          containers:
          - name: main
            image: busybox:1.36
        """;

    private static (string?, string?) NameAndUid(JsonElement reference) =>
        (reference.GetProperty("name").GetString(), reference.GetProperty("uid").GetString());

    private static byte[] Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }
}
