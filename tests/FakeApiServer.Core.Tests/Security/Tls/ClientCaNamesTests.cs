using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;

namespace FakeApiServer.Tests.Security.Tls;

/// <summary>The TLS handshake's CertificateRequest names the client CAs, as Go's server does with ClientCAs set.</summary>
public sealed class ClientCaNamesTests
{
    [Fact]
    public async Task Openssl_s_client_sees_the_client_CA_as_an_acceptable_client_certificate_CA_name()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Tls = true }, ct);
        using var admin = await AdminCertificateAsync(cluster, ct);

        // s_client prints the CertificateRequest's CA list and leaves when its stdin ends.
        using var openssl = Process.Start(new ProcessStartInfo("openssl", ["s_client", "-connect", $"{cluster.BaseAddress.Host}:{cluster.BaseAddress.Port}"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        openssl.StandardInput.Close();
        var stdout = openssl.StandardOutput.ReadToEndAsync(ct);
        var stderr = openssl.StandardError.ReadToEndAsync(ct);
        await openssl.WaitForExitAsync(ct);
        var output = await stdout + await stderr;

        var names = Regex.Match(output, "Acceptable client certificate CA names\n((?:[^\n]*=[^\n]*\n)+)");
        Assert.True(names.Success, output);
        Assert.Contains("CN = " + admin.IssuerName.Name["CN=".Length..], names.Groups[1].Value.Split('\n'));
    }

    /// <summary>The admin client certificate of the written kubeconfig: it is issued by the client CA.</summary>
    private static async Task<X509Certificate2> AdminCertificateAsync(FakeCluster cluster, CancellationToken ct)
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), "ca-names-" + Guid.NewGuid().ToString("N") + ".yaml");
        try
        {
            cluster.WriteKubeconfig(kubeconfig);
            var text = await File.ReadAllTextAsync(kubeconfig, ct);
            var data = Regex.Match(text, "client-certificate-data: (\\S+)").Groups[1].Value;
            return X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(data)));
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }
}
