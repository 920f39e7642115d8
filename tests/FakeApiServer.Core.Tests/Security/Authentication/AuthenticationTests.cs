using System.Net;
using FakeApiServer.Security.Authentication;
using FakeApiServer.Security.Tls;
using FakeApiServer.Tests.Api;

namespace FakeApiServer.Tests.Security.Authentication;

/// <summary>What a client sees of authentication: 401 Unauthorized Status for credentials nobody accepts, 200 for good ones.</summary>
public sealed class AuthenticationTests
{
    private const string Namespaces = "/api/v1/namespaces";

    [Fact]
    public async Task Over_tls_with_anonymous_auth_off_a_request_without_credentials_is_401()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var server = await SecuredServer.StartAsync(
            SecuredServer.Options() with { Tls = new TlsOptions { Enabled = true }, Authentication = new AuthenticationOptions { Anonymous = false } }, ct);
        using var http = server.Client();

        using var response = await http.GetAsync(Namespaces, ct);

        await response.AssertStatusAsync(HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized", ct);
    }

    [Fact]
    public async Task Over_tls_a_request_without_credentials_is_anonymous_and_served_when_anonymous_auth_is_on_and_authorization_allows_all()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var server = await SecuredServer.StartAsync(SecuredServer.Options() with { Tls = new TlsOptions { Enabled = true } }, ct);
        using var http = server.Client();

        using var response = await http.GetAsync(Namespaces, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_token_is_401_and_never_falls_back_to_anonymous()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        var tokens = SecuredServer.TokenFile("good,alice,1");
        await using var server = await SecuredServer.StartAsync(
            SecuredServer.Options() with { Tls = new TlsOptions { Enabled = true }, Authentication = new AuthenticationOptions { TokenAuthFile = tokens } }, ct);
        using var http = server.Client(token: "wrong");

        using var response = await http.GetAsync(Namespaces, ct);

        await response.AssertStatusAsync(HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized", ct);
    }

    [Fact]
    public async Task A_token_from_the_token_file_authenticates_when_anonymous_requests_are_refused()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        var tokens = SecuredServer.TokenFile("good,alice,1,\"dev,ops\"");
        await using var server = await SecuredServer.StartAsync(
            SecuredServer.Options() with
            {
                Tls = new TlsOptions { Enabled = true },
                Authentication = new AuthenticationOptions { TokenAuthFile = tokens, Anonymous = false },
            }, ct);
        using var good = server.Client(token: "good");
        using var none = server.Client();

        using var served = await good.GetAsync(Namespaces, ct);
        using var refused = await none.GetAsync(Namespaces, ct);

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_client_certificate_signed_by_the_cluster_CA_authenticates_and_one_from_another_CA_is_401()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var server = await SecuredServer.StartAsync(
            SecuredServer.Options() with { Tls = new TlsOptions { Enabled = true }, Authentication = new AuthenticationOptions { Anonymous = false } }, ct);
        var now = DateTimeOffset.UtcNow;
        using var ours = CertificateAuthority.IssueClient(server.Host.Pki!.Ca, "carol", ["dev"], now);
        using var otherCa = CertificateAuthority.CreateCa(now);
        using var theirs = CertificateAuthority.IssueClient(otherCa, "mallory", ["system:masters"], now);
        using var good = server.Client(ours);
        using var bad = server.Client(theirs);

        using var served = await good.GetAsync(Namespaces, ct);
        using var refused = await bad.GetAsync(Namespaces, ct);

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        await refused.AssertStatusAsync(HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized", ct);
    }

    [Fact]
    public async Task A_client_certificate_from_the_client_ca_file_authenticates()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        var now = DateTimeOffset.UtcNow;
        using var clientCa = CertificateAuthority.CreateCa(now);
        var clientCaFile = Path.Combine(Directory.CreateTempSubdirectory("fakeapiserver-client-ca-").FullName, "client-ca.crt");
        await File.WriteAllTextAsync(clientCaFile, ClusterPki.CertificatePem(clientCa), ct);
        await using var server = await SecuredServer.StartAsync(
            SecuredServer.Options() with
            {
                Tls = new TlsOptions { Enabled = true, ClientCaFile = clientCaFile },
                Authentication = new AuthenticationOptions { Anonymous = false },
            }, ct);
        using var certificate = CertificateAuthority.IssueClient(clientCa, "dave", [], now);
        using var http = server.Client(certificate);

        using var response = await http.GetAsync(Namespaces, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Plain_http_with_a_token_file_refuses_the_placeholder_token_and_the_written_kubeconfig_carries_a_file_token()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        var tokens = SecuredServer.TokenFile("viewer-token,viewer,1", "admin-token,admin,2,system:masters");
        await using var server = await SecuredServer.StartAsync(SecuredServer.Options() with { Authentication = new AuthenticationOptions { TokenAuthFile = tokens } }, ct);
        using var placeholder = server.Client(token: "fakeapiserver");
        using var admin = server.Client(token: "admin-token");

        using var refused = await placeholder.GetAsync(Namespaces, ct);
        using var served = await admin.GetAsync(Namespaces, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Contains("token: admin-token", server.Host.RenderKubeconfig(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_http_without_authentication_ignores_any_bearer_token()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var server = await SecuredServer.StartAsync(SecuredServer.Options(), ct);
        using var http = server.Client(token: "anything");

        using var response = await http.GetAsync(Namespaces, ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("http://", server.BaseAddress.ToString(), StringComparison.Ordinal);
    }
}
