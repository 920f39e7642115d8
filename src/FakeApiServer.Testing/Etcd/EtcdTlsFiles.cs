using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FakeApiServer.Testing.Etcd;

/// <summary>
/// PEM files for etcd with client TLS, made on the spot: a CA, a server certificate for 127.0.0.1 and localhost (the
/// members serve and dial each other's client URLs with it), and a client certificate, all signed by that CA.
/// </summary>
public sealed class EtcdTlsFiles
{
    private EtcdTlsFiles(string folder)
    {
        Folder = folder;
    }

    /// <summary>The folder holding the files.</summary>
    public string Folder { get; }

    /// <summary>The CA certificate (what --etcd-cafile and etcd's --trusted-ca-file take).</summary>
    public string CaFile => Path.Combine(Folder, "ca.crt");

    /// <summary>The members' server certificate.</summary>
    public string ServerCertFile => Path.Combine(Folder, "server.crt");

    /// <summary>The server certificate's key.</summary>
    public string ServerKeyFile => Path.Combine(Folder, "server.key");

    /// <summary>The client certificate (--etcd-certfile).</summary>
    public string ClientCertFile => Path.Combine(Folder, "client.crt");

    /// <summary>The client certificate's key (--etcd-keyfile).</summary>
    public string ClientKeyFile => Path.Combine(Folder, "client.key");

    /// <summary>Creates a new CA and certificates signed by it in <paramref name="folder"/>.</summary>
    public static EtcdTlsFiles Create(string folder)
    {
        Directory.CreateDirectory(folder);
        var files = new EtcdTlsFiles(folder);
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=etcd-test-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        File.WriteAllText(files.CaFile, ca.ExportCertificatePem());
        Issue(ca, "CN=etcd-server", files.ServerCertFile, files.ServerKeyFile, now, serverAuth: true);
        Issue(ca, "CN=fakeapiserver", files.ClientCertFile, files.ClientKeyFile, now, serverAuth: false);
        return files;
    }

    private static void Issue(X509Certificate2 ca, string subject, string certFile, string keyFile, DateTimeOffset now, bool serverAuth)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        // etcd's members also act as clients of each other (gateway, health), so the server certificate carries both uses.
        var usages = new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") };
        if (serverAuth)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.1"));
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        using var certificate = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }
}
