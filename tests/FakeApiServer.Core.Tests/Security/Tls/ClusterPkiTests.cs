using System.Net;
using System.Security.Cryptography.X509Certificates;
using FakeApiServer.Security.Tls;
using FakeApiServer.Tests.Api;
using FakeApiServer.Tests.Security.Authentication;

namespace FakeApiServer.Tests.Security.Tls;

/// <summary>The generated PKI: where it lives, what the serving certificate names, and that a restart keeps the CA.</summary>
public sealed class ClusterPkiTests
{
    [Fact]
    public async Task A_restarted_server_serves_with_the_same_CA_and_certificates_from_the_data_folder()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        var dataDir = Directory.CreateTempSubdirectory("fakeapiserver-pki-").FullName;
        var options = SecuredServer.Options() with { InMemory = false, DataDir = dataDir, SynchronousFull = false, Tls = new TlsOptions { Enabled = true } };

        string firstCa, firstServing;
        await using (var first = await SecuredServer.StartAsync(options, ct))
        {
            firstCa = first.Host.Pki!.Ca.Thumbprint;
            firstServing = first.Host.Pki.ServingCertificate.Thumbprint;
        }

        await using var second = await SecuredServer.StartAsync(options, ct);

        Assert.Equal(firstCa, second.Host.Pki!.Ca.Thumbprint);
        Assert.Equal(firstServing, second.Host.Pki.ServingCertificate.Thumbprint);
        foreach (var file in new[] { "ca.crt", "ca.key", "apiserver.crt", "apiserver.key", "admin.crt", "admin.key" })
        {
            Assert.True(File.Exists(Path.Combine(dataDir, "pki", file)), file + " is written");
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dataDir, "pki", "ca.key")));
        }

        using var served = second.Client();
        using var response = await served.GetAsync("/version", ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void The_serving_certificate_names_the_bind_address_localhost_and_both_loopback_addresses()
    {
        using var pki = ClusterPki.Load(new TlsOptions { Enabled = true }, "10.1.2.3", directory: null, DateTimeOffset.UtcNow);

        var names = pki.ServingCertificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(
            [IPAddress.Parse("10.1.2.3"), IPAddress.Loopback, IPAddress.IPv6Loopback],
            names.EnumerateIPAddresses());
        Assert.Contains("localhost", names.EnumerateDnsNames());
    }

    [Fact]
    public void A_new_bind_address_gets_a_new_serving_certificate_from_the_same_CA()
    {
        var directory = Directory.CreateTempSubdirectory("fakeapiserver-pki-").FullName;
        var now = DateTimeOffset.UtcNow;
        using var loopback = ClusterPki.Load(new TlsOptions { Enabled = true }, "127.0.0.1", directory, now);
        using var wider = ClusterPki.Load(new TlsOptions { Enabled = true }, "10.1.2.3", directory, now);

        Assert.Equal(loopback.Ca.Thumbprint, wider.Ca.Thumbprint);
        Assert.NotEqual(loopback.ServingCertificate.Thumbprint, wider.ServingCertificate.Thumbprint);
        Assert.Contains(IPAddress.Parse("10.1.2.3"), wider.ServingCertificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses());
    }

    [Fact]
    public void The_admin_client_certificate_is_kubernetes_admin_in_system_masters()
    {
        using var pki = ClusterPki.Load(new TlsOptions { Enabled = true }, "127.0.0.1", directory: null, DateTimeOffset.UtcNow);

        Assert.Equal("O=system:masters, CN=kubernetes-admin", pki.AdminCertificate.Subject);
        Assert.Equal(pki.Ca.Subject, pki.AdminCertificate.Issuer);
    }

    [Fact]
    public void Tls_is_on_by_default_off_loopback_and_off_by_default_on_it()
    {
        Assert.False(new TlsOptions().IsOn("127.0.0.1"));
        Assert.False(new TlsOptions().IsOn("::1"));
        Assert.True(new TlsOptions().IsOn("0.0.0.0"));
        Assert.True(new TlsOptions { Enabled = true }.IsOn("127.0.0.1"));
        Assert.False(new TlsOptions { Enabled = false }.IsOn("0.0.0.0"));
    }
}
