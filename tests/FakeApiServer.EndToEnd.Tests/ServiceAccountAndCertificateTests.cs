using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// kubectl against the serviceaccount and root-ca-cert-publisher controllers, the ServiceAccount admission plugin and
/// csrsigning: a new namespace's default account and kube-root-ca.crt, and kubectl certificate approve yielding a
/// client certificate the server accepts.
/// </summary>
public sealed class ServiceAccountAndCertificateTests
{
    private static readonly FakeClusterOptions TlsWithSigning = new()
    {
        Tls = true,
        Controllers = ControllerSelection.Parse("*"),
        Nodes = 1,

        // kubectl 1.27's auth whoami asks authentication.k8s.io/v1beta1, served only when enabled.
        RuntimeConfig = new Dictionary<string, bool> { ["authentication.k8s.io/v1beta1"] = true },
    };

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task A_new_namespace_gets_the_default_account_and_kube_root_ca_and_its_pods_mount_them(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Tls = true, Controllers = ControllerSelection.Parse("namespace,serviceaccount,root-ca-cert-publisher") }, ct);
        using var kubectl = Kubectl.For(cluster, version);
        using var http = cluster.CreateHttpClient();

        var created = (await kubectl.RunAsync("create", "namespace", "fresh", "-o", "jsonpath={.metadata.resourceVersion}")).Succeeded();
        await FirstEventAsync(http, $"/api/v1/namespaces/fresh/serviceaccounts?watch=true&fieldSelector=metadata.name%3Ddefault&resourceVersion={created.Stdout}", _ => true, ct);
        await FirstEventAsync(http, $"/api/v1/namespaces/fresh/configmaps?watch=true&fieldSelector=metadata.name%3Dkube-root-ca.crt&resourceVersion={created.Stdout}", _ => true, ct);
        var accounts = (await kubectl.RunAsync("get", "serviceaccounts", "-n", "fresh")).Succeeded();
        var ca = (await kubectl.RunAsync("get", "configmap", "kube-root-ca.crt", "-n", "fresh", "-o", "jsonpath={.data.ca\\.crt}")).Succeeded();
        (await kubectl.RunAsync("run", "web", "--image=nginx", "-n", "fresh")).Succeeded();
        var volume = (await kubectl.RunAsync("get", "pod", "web", "-n", "fresh", "-o", "jsonpath={.spec.serviceAccountName} {.spec.volumes[0].name} {.spec.containers[0].volumeMounts[0].mountPath}")).Succeeded();

        Assert.Equal("default", accounts.Row("default")[0]);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", ca.Stdout, StringComparison.Ordinal);
        using var caCertificate = X509Certificate2.CreateFromPem(ca.Stdout);
        Assert.Equal("CN=fakeapiserver-ca", caCertificate.Subject);
        Assert.Matches("^default kube-api-access-[a-z0-9]{5} /var/run/secrets/kubernetes.io/serviceaccount$", volume.Stdout);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Certificate_approve_yields_a_client_certificate_the_server_accepts(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(TlsWithSigning, ct);
        using var kubectl = Kubectl.For(cluster, version);
        using var http = cluster.CreateHttpClient();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("dev");
        subject.AddCommonName("jane");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var manifest = kubectl.WriteFile("csr.yaml", $"""
            apiVersion: certificates.k8s.io/v1
            kind: CertificateSigningRequest
            metadata:
              name: jane
            spec:
              request: {Convert.ToBase64String(Encoding.UTF8.GetBytes(request))}
              signerName: kubernetes.io/kube-apiserver-client
              expirationSeconds: 86400
              usages:
              - client auth
            """);

        (await kubectl.RunAsync("create", "-f", manifest)).Succeeded();
        var pending = (await kubectl.RunAsync("get", "csr", "jane")).Succeeded();
        var version_ = (await kubectl.RunAsync("get", "csr", "jane", "-o", "jsonpath={.metadata.resourceVersion}")).Succeeded();
        var approve = (await kubectl.RunAsync("certificate", "approve", "jane")).Succeeded();
        await FirstEventAsync(http, $"/apis/certificates.k8s.io/v1/certificatesigningrequests?watch=true&fieldSelector=metadata.name%3Djane&resourceVersion={version_.Stdout}",
            o => o["status"]?["certificate"] is not null, ct);
        var issued = (await kubectl.RunAsync("get", "csr", "jane")).Succeeded();
        var certificate = (await kubectl.RunAsync("get", "csr", "jane", "-o", "jsonpath={.status.certificate}")).Succeeded();
        var certFile = kubectl.WriteFile("jane.crt", Encoding.UTF8.GetString(Convert.FromBase64String(certificate.Stdout)));
        var keyFile = kubectl.WriteFile("jane.key", key.ExportPkcs8PrivateKeyPem());
        (await kubectl.RunAsync("config", "set-credentials", "jane", "--client-certificate=" + certFile, "--client-key=" + keyFile, "--embed-certs=true")).Succeeded();
        var whoami = (await kubectl.RunAsync("auth", "whoami", "--user=jane")).Succeeded();

        Assert.Equal(["kubernetes.io/kube-apiserver-client", "kubernetes-admin", "24h", "Pending"], pending.Row("jane").Skip(2));
        Assert.Equal("certificatesigningrequest.certificates.k8s.io/jane approved\n", approve.Stdout);
        Assert.Equal("Approved,Issued", issued.Row("jane")[^1]);
        Assert.Equal(["Username", "jane"], whoami.Row("Username"));
        Assert.Equal(["Groups", "[dev", "system:authenticated]"], whoami.Row("Groups"));
    }

    /// <summary>Watches <paramref name="url"/> until an event's object meets <paramref name="condition"/>.</summary>
    private static async Task<JsonObject> FirstEventAsync(HttpClient http, string url, Func<JsonObject, bool> condition, CancellationToken ct)
    {
        using var response = await http.GetAsync(new Uri(url, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (JsonNode.Parse(line)?["object"] is JsonObject obj && condition(obj))
            {
                return obj;
            }
        }

        throw new InvalidOperationException("the watch of " + url + " ended");
    }
}
