using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FakeApiServer.Security.Tls;

/// <summary>
/// Issues the certificates of a self-contained cluster PKI, as kubeadm and kind do: a self-signed CA, the API server's
/// serving certificate and client certificates (user = CN, groups = O). Keys are ECDSA P-256: fast to make, and every
/// Kubernetes client accepts them.
/// </summary>
internal static class CertificateAuthority
{
    /// <summary>How long the CA is valid (kubeadm: ten years).</summary>
    private static readonly TimeSpan CaValidity = TimeSpan.FromDays(3650);

    /// <summary>How long issued certificates are valid (kubeadm and kind: one year).</summary>
    private static readonly TimeSpan LeafValidity = TimeSpan.FromDays(365);

    /// <summary>Issued certificates are valid from a little in the past, so a client whose clock lags accepts them.</summary>
    private static readonly TimeSpan Backdate = TimeSpan.FromHours(1);

    /// <summary>A new self-signed CA certificate with its private key.</summary>
    public static X509Certificate2 CreateCa(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=fakeapiserver-ca", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(now - Backdate, now + CaValidity);
    }

    /// <summary>A serving certificate for the API server, valid for the DNS names and IP addresses given.</summary>
    public static X509Certificate2 IssueServing(X509Certificate2 ca, IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses, DateTimeOffset now)
    {
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames)
        {
            names.AddDnsName(dns);
        }

        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }

        return Issue(ca, "CN=kube-apiserver", X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, "1.3.6.1.5.5.7.3.1", names.Build(), now);
    }

    /// <summary>A client certificate: kube-apiserver's x509 authenticator reads the user from CN and the groups from O.</summary>
    public static X509Certificate2 IssueClient(X509Certificate2 ca, string user, IEnumerable<string> groups, DateTimeOffset now)
    {
        var subject = new X500DistinguishedNameBuilder();
        foreach (var group in groups)
        {
            subject.AddOrganizationName(group);
        }

        subject.AddCommonName(user);
        return Issue(ca, subject.Build().Name, X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, "1.3.6.1.5.5.7.3.2", null, now);
    }

    private static X509Certificate2 Issue(
        X509Certificate2 ca, string subject, X509KeyUsageFlags usage, string extendedUsage, X509Extension? alternativeNames, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(extendedUsage)], critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (alternativeNames is not null)
        {
            request.CertificateExtensions.Add(alternativeNames);
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        var notAfter = now + LeafValidity < ca.NotAfter ? now + LeafValidity : new DateTimeOffset(ca.NotAfter);
        using var issued = request.Create(ca, now - Backdate, notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }
}
