using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;
using FakeApiServer.Tests.Controllers.ServiceAccounts;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FakeApiServer.Tests.Controllers.CertificateSigning;

/// <summary>csrsigning with the cluster CA, and the certificate admission plugins, through the KubernetesClient.</summary>
public sealed class CsrSigningControllerTests
{
    /// <summary>A P-256 key and a PEM CSR for CN=<paramref name="user"/>, O=each of <paramref name="groups"/>.</summary>
    internal static (ECDsa Key, string CsrPem) NewRequest(string user, params string[] groups)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        foreach (var group in groups)
        {
            subject.AddOrganizationName(group);
        }

        subject.AddCommonName(user);
        return (key, new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256).CreateSigningRequestPem());
    }

    private static V1CertificateSigningRequest Csr(string name, string pem, string signer = "kubernetes.io/kube-apiserver-client", params string[] usages) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1CertificateSigningRequestSpec
        {
            Request = Encoding.UTF8.GetBytes(pem),
            SignerName = signer,
            Usages = usages.Length == 0 ? ["client auth"] : usages,
        },
    };

    private static V1CertificateSigningRequest Approved(V1CertificateSigningRequest csr)
    {
        csr.Status ??= new V1CertificateSigningRequestStatus();
        csr.Status.Conditions = [new V1CertificateSigningRequestCondition { Type = "Approved", Status = "True", Reason = "Test", Message = "approved by the test" }];
        return csr;
    }

    [Fact]
    public async Task An_approved_client_csr_gets_a_certificate_the_server_accepts_as_its_subject()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Tls = true, Controllers = FakeApiServer.Controllers.ControllerSelection.Parse("csrsigning") }, ct);
        using var http = cluster.CreateHttpClient();
        var (key, pem) = NewRequest("jane", "dev", "ops");
        using var _ = key;
        var created = await cluster.Client.CertificatesV1.CreateCertificateSigningRequestAsync(Csr("jane", pem), cancellationToken: ct);

        var approved = await cluster.Client.CertificatesV1.ReplaceCertificateSigningRequestApprovalAsync(Approved(created), "jane", cancellationToken: ct);
        var signed = await SignedAsync(http, approved.Metadata.ResourceVersion, "jane", ct);
        var certificatePem = Encoding.UTF8.GetString(Convert.FromBase64String((string)signed["status"]!["certificate"]!));
        using var certificate = X509Certificate2.CreateFromPem(certificatePem, key.ExportPkcs8PrivateKeyPem());
        using var ca = X509Certificate2.CreateFromPem(await ServiceAccountsControllerTests.ClusterCaAsync(cluster, ct));
        using var asJane = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [certificate],
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = X509RevocationMode.NoCheck,
                    CustomTrustStore = { ca },
                },
            },
        }) { BaseAddress = cluster.BaseAddress };
        using var review = await asJane.PostAsync("/apis/authentication.k8s.io/v1/selfsubjectreviews",
            ApiTestSupport.Json("""{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}"""), ct);
        var who = await review.ReadObjectAsync(ct);

        Assert.Equal(HttpStatusCode.Created, review.StatusCode);
        Assert.Equal("jane", (string?)who["status"]!["userInfo"]!["username"]);
        Assert.Equal(["dev", "ops", "system:authenticated"], (who["status"]!["userInfo"]!["groups"] as JsonArray)!.Select(g => (string?)g));
        Assert.Contains(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>(), o => o.Value == "1.3.6.1.5.5.7.3.2");
    }

    [Fact]
    public async Task A_client_csr_with_other_usages_fails_with_the_signers_reason()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Tls = true, Controllers = FakeApiServer.Controllers.ControllerSelection.Parse("csrsigning") }, ct);
        using var http = cluster.CreateHttpClient();
        var (key, pem) = NewRequest("web");
        using var _ = key;
        var created = await cluster.Client.CertificatesV1.CreateCertificateSigningRequestAsync(Csr("web", pem, usages: ["server auth"]), cancellationToken: ct);

        var approved = await cluster.Client.CertificatesV1.ReplaceCertificateSigningRequestApprovalAsync(Approved(created), "web", cancellationToken: ct);
        JsonObject? failed = null;
        await foreach (var e in http.WatchAsync($"/apis/certificates.k8s.io/v1/certificatesigningrequests?watch=true&fieldSelector=metadata.name%3Dweb&resourceVersion={approved.Metadata.ResourceVersion}", ct))
        {
            failed = (e["object"]!["status"]!["conditions"] as JsonArray)!.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == "Failed");
            if (failed is not null)
            {
                break;
            }
        }

        Assert.Equal(("True", "SignerValidationFailure", "invalid usage for client certificate: server auth"),
            ((string?)failed!["status"], (string?)failed["reason"], (string?)failed["message"]));
    }

    [Fact]
    public async Task A_client_csr_for_system_masters_is_refused()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);
        var (key, pem) = NewRequest("root", "system:masters");
        using var _ = key;

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CertificatesV1.CreateCertificateSigningRequestAsync(Csr("root", pem), cancellationToken: cts.Token));

        error.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "certificatesigningrequests.certificates.k8s.io \"root\" is forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed");
    }

    [Fact]
    public async Task Approving_and_signing_need_the_verbs_on_the_signer()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { AuthorizationMode = "RBAC" }, ct);
        var (key, pem) = NewRequest("jane");
        using var _ = key;
        var created = await cluster.Client.CertificatesV1.CreateCertificateSigningRequestAsync(Csr("jane", pem), cancellationToken: ct);
        await cluster.Client.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = "csr-writer" },
            Rules = [new V1PolicyRule { ApiGroups = ["certificates.k8s.io"], Resources = ["certificatesigningrequests", "certificatesigningrequests/approval", "certificatesigningrequests/status"], Verbs = ["get", "update"] }],
        }, cancellationToken: ct);
        await cluster.Client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "csr-writer" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = "csr-writer" },
            Subjects = [new Rbacv1Subject { Kind = "User", Name = "bob", ApiGroup = "rbac.authorization.k8s.io" }],
        }, cancellationToken: ct);
        using var asBob = cluster.CreateHttpClient();
        asBob.DefaultRequestHeaders.Add("Impersonate-User", "bob");

        created.Status = Approved(created).Status;
        var body = KubernetesJson.Serialize(created);
        using var approval = await asBob.PutAsync("/apis/certificates.k8s.io/v1/certificatesigningrequests/jane/approval", ApiTestSupport.Json(body), ct);
        created.Status = new V1CertificateSigningRequestStatus { Conditions = [new V1CertificateSigningRequestCondition { Type = "Failed", Status = "True", Reason = "Test" }] };
        using var status = await asBob.PutAsync("/apis/certificates.k8s.io/v1/certificatesigningrequests/jane/status", ApiTestSupport.Json(KubernetesJson.Serialize(created)), ct);

        await approval.AssertStatusAsync(HttpStatusCode.Forbidden, "Forbidden",
            "certificatesigningrequests.certificates.k8s.io \"jane\" is forbidden: user not permitted to approve requests with signerName \"kubernetes.io/kube-apiserver-client\"", ct);
        await status.AssertStatusAsync(HttpStatusCode.Forbidden, "Forbidden",
            "certificatesigningrequests.certificates.k8s.io \"jane\" is forbidden: user not permitted to sign requests with signerName \"kubernetes.io/kube-apiserver-client\"", ct);
    }

    private static async Task<JsonObject> SignedAsync(HttpClient http, string fromVersion, string name, CancellationToken ct)
    {
        await foreach (var e in http.WatchAsync($"/apis/certificates.k8s.io/v1/certificatesigningrequests?watch=true&fieldSelector=metadata.name%3D{name}&resourceVersion={fromVersion}", ct))
        {
            if (e["object"]?["status"]?["certificate"] is not null)
            {
                return (JsonObject)e["object"]!;
            }
        }

        throw new InvalidOperationException("the watch ended before the certificate");
    }
}
