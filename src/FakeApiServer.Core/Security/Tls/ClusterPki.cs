using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FakeApiServer.Security.Tls;

/// <summary>
/// The certificates a TLS server runs with: the cluster CA (generated once and kept in &lt;data-dir&gt;/pki, or in memory
/// for an in-memory server), the serving certificate (the operator's own, or one the CA issued for the bind address,
/// localhost, 127.0.0.1 and ::1), the CAs client certificates are checked against, and the admin client certificate
/// (CN=kubernetes-admin, O=system:masters, as kind writes into its kubeconfig).
/// </summary>
internal sealed class ClusterPki : IDisposable
{
    /// <summary>The user of the written kubeconfig's client certificate.</summary>
    public const string AdminUser = "kubernetes-admin";

    private ClusterPki(X509Certificate2 ca, X509Certificate2 serving, string servingCaPem, X509Certificate2Collection clientCas, X509Certificate2 admin)
    {
        Ca = ca;
        ServingCertificate = serving;
        ServingCaPem = servingCaPem;
        ClientCas = clientCas;
        AdminCertificate = admin;
    }

    /// <summary>The cluster CA, with its private key.</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>The certificate (with private key) Kestrel serves.</summary>
    public X509Certificate2 ServingCertificate { get; }

    /// <summary>The PEM a client trusts to verify <see cref="ServingCertificate"/> (a kubeconfig's certificate-authority-data).</summary>
    public string ServingCaPem { get; }

    /// <summary>The roots client certificates must chain to: the cluster CA and those of --client-ca-file.</summary>
    public X509Certificate2Collection ClientCas { get; }

    /// <summary>The admin client certificate (with private key) the written kubeconfig carries.</summary>
    public X509Certificate2 AdminCertificate { get; }

    /// <summary>
    /// Loads the PKI from <paramref name="directory"/> (null: in memory), creating what is missing; the serving
    /// certificate is issued again when it expired or no longer names the bind address. Bad or unreadable files
    /// given on the command line throw <see cref="FormatException"/>.
    /// </summary>
    public static ClusterPki Load(TlsOptions options, string bindAddress, string? directory, DateTimeOffset now)
    {
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var ca = LoadOrCreate(directory, "ca", c => c.NotAfter > now.UtcDateTime, () => CertificateAuthority.CreateCa(now));
        var (dns, addresses) = ServingNames(bindAddress);
        X509Certificate2 serving;
        string servingCaPem;
        if (options.CertFile is { } certFile)
        {
            var keyFile = options.PrivateKeyFile ?? throw new FormatException("--tls-cert-file needs --tls-private-key-file");
            serving = Read(() => X509Certificate2.CreateFromPemFile(certFile, keyFile), "--tls-cert-file/--tls-private-key-file");
            var chain = Read(() => LoadCollection(certFile), "--tls-cert-file");

            // The top of the file's chain is what a client must trust; for a self-signed certificate, the certificate itself.
            servingCaPem = chain[^1].ExportCertificatePem() + "\n";
        }
        else
        {
            serving = LoadOrCreate(
                directory, "apiserver",
                c => c.NotAfter > now.UtcDateTime && Names(c, dns, addresses) && IssuedBy(c, ca),
                () => CertificateAuthority.IssueServing(ca, dns, addresses, now));
            servingCaPem = ca.ExportCertificatePem() + "\n";
        }

        var clientCas = new X509Certificate2Collection(X509CertificateLoader.LoadCertificate(ca.RawData));
        if (options.ClientCaFile is { } clientCaFile)
        {
            clientCas.AddRange(Read(() => LoadCollection(clientCaFile), "--client-ca-file"));
        }

        var admin = LoadOrCreate(
            directory, "admin",
            c => c.NotAfter > now.UtcDateTime && IssuedBy(c, ca),
            () => CertificateAuthority.IssueClient(ca, AdminUser, [UserInfo.MastersGroup], now));
        return new ClusterPki(ca, serving, servingCaPem, clientCas, admin);
    }

    /// <summary>The certificate's PEM.</summary>
    public static string CertificatePem(X509Certificate2 certificate) => certificate.ExportCertificatePem() + "\n";

    /// <summary>The certificate's private key as PKCS#8 PEM.</summary>
    public static string PrivateKeyPem(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the certificate has no ECDSA private key");
        return key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    public void Dispose()
    {
        Ca.Dispose();
        ServingCertificate.Dispose();
        AdminCertificate.Dispose();
        foreach (var ca in ClientCas)
        {
            ca.Dispose();
        }
    }

    /// <summary>The serving certificate's names: the bind address (unless a wildcard), localhost, 127.0.0.1, ::1 and the host name.</summary>
    internal static (string[] Dns, IPAddress[] Addresses) ServingNames(string bindAddress)
    {
        var addresses = new List<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
        if (IPAddress.TryParse(bindAddress, out var bind) && !addresses.Contains(bind))
        {
            addresses.Insert(0, bind);
        }

        var dns = new List<string> { "localhost" };
        if (Environment.MachineName is { Length: > 0 } host && !string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            dns.Add(host.ToLowerInvariant());
        }

        return (dns.ToArray(), addresses.ToArray());
    }

    private static bool Names(X509Certificate2 certificate, string[] dns, IPAddress[] addresses)
    {
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (extension is null)
        {
            return false;
        }

        var hasAddresses = extension.EnumerateIPAddresses().ToHashSet();
        var hasNames = extension.EnumerateDnsNames().ToHashSet(StringComparer.OrdinalIgnoreCase);
        return addresses.All(hasAddresses.Contains) && dns.All(hasNames.Contains);
    }

    private static bool IssuedBy(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        return chain.Build(certificate);
    }

    /// <summary>
    /// The certificate <paramref name="name"/>.crt with its key <paramref name="name"/>.key from <paramref name="directory"/>
    /// when both exist and pass <paramref name="usable"/>; otherwise a new one, written there (key readable by the owner only).
    /// </summary>
    private static X509Certificate2 LoadOrCreate(string? directory, string name, Func<X509Certificate2, bool> usable, Func<X509Certificate2> create)
    {
        if (directory is null)
        {
            return create();
        }

        var certPath = Path.Combine(directory, name + ".crt");
        var keyPath = Path.Combine(directory, name + ".key");
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            var existing = Read(() => X509Certificate2.CreateFromPemFile(certPath, keyPath), certPath);
            if (usable(existing))
            {
                return existing;
            }

            existing.Dispose();
        }

        var created = create();
        WriteAtomically(keyPath, PrivateKeyPem(created), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        WriteAtomically(certPath, CertificatePem(created), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return created;
    }

    private static void WriteAtomically(string path, string text, UnixFileMode mode)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, mode);
        }

        File.Move(temp, path, overwrite: true);
    }

    private static X509Certificate2Collection LoadCollection(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        return collection.Count > 0 ? collection : throw new CryptographicException("no certificate in the file");
    }

    private static T Read<T>(Func<T> read, string what)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new FormatException($"cannot load {what}: {e.Message}", e);
        }
    }
}
