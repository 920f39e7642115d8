using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Apis.Certificates;

/// <summary>CSR approval, TokenReview, the legacy bindings resource and the read-only componentstatuses.</summary>
public sealed class CertificateSigningRequestApiTests
{
    [Fact]
    public async Task Approval_changes_only_the_conditions()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var csr = await cluster.Client.CertificatesV1.CreateCertificateSigningRequestAsync(new V1CertificateSigningRequest
        {
            Metadata = new V1ObjectMeta { Name = "alice" },
            Spec = new V1CertificateSigningRequestSpec { Request = "csr"u8.ToArray(), SignerName = "kubernetes.io/kube-apiserver-client", Usages = ["client auth"] },
        }, cancellationToken: ct);

        csr.Status = new V1CertificateSigningRequestStatus
        {
            Conditions = [new V1CertificateSigningRequestCondition { Type = "Approved", Status = "True", Reason = "Test", Message = "ok" }],
        };
        csr.Spec.SignerName = "example.com/other";
        var approved = await cluster.Client.CertificatesV1.ReplaceCertificateSigningRequestApprovalAsync(csr, "alice", cancellationToken: ct);

        Assert.Equal("Approved", Assert.Single(approved.Status.Conditions).Type);
        Assert.Equal("kubernetes.io/kube-apiserver-client", approved.Spec.SignerName);
        var table = (await cluster.Http().GetStringAsync("apis/certificates.k8s.io/v1/certificatesigningrequests", ct));
        Assert.Contains("\"name\":\"alice\"", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_review_of_an_unknown_token_is_not_authenticated()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();

        using var review = await http.PostAsync("apis/authentication.k8s.io/v1/tokenreviews",
            Json("""{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"nobody"}}"""), ct);
        using var empty = await http.PostAsync("apis/authentication.k8s.io/v1/tokenreviews",
            Json("""{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{}}"""), ct);

        Assert.Equal(HttpStatusCode.Created, review.StatusCode);
        Assert.Equal("""{"user":{}}""", (await review.ReadObjectAsync(ct))["status"]!.ToJsonString());
        await empty.AssertStatusAsync(HttpStatusCode.BadRequest, "BadRequest", "token is required for TokenReview in authentication.k8s.io/__internal", ct);
    }

    [Fact]
    public async Task The_bindings_resource_binds_a_pod_and_componentstatuses_are_read_only()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod("web"), "default", cancellationToken: ct);

        using var bound = await http.PostAsync("api/v1/namespaces/default/bindings",
            Json("""{"apiVersion":"v1","kind":"Binding","metadata":{"name":"web"},"target":{"kind":"Node","name":"node-1"}}"""), ct);
        using var create = await http.PostAsync("api/v1/componentstatuses", Json("""{"metadata":{"name":"x"}}"""), ct);
        var statuses = await cluster.Client.CoreV1.ListComponentStatusAsync(cancellationToken: ct);

        Assert.Equal(HttpStatusCode.Created, bound.StatusCode);
        Assert.Equal("node-1", (await cluster.Client.CoreV1.ReadNamespacedPodAsync("web", "default", cancellationToken: ct)).Spec.NodeName);
        await create.AssertStatusAsync(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", null, ct);
        Assert.Equal(["controller-manager", "etcd-0", "scheduler"], statuses.Items.Select(s => s.Metadata.Name));
        Assert.All(statuses.Items, s => Assert.Equal("True", Assert.Single(s.Conditions).Status));
    }
}
