using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace FakeApiServer.Security.Tls;

/// <summary>
/// PKCS#10 certificate signing requests as the certificates API carries them (spec.request: a PEM CERTIFICATE REQUEST,
/// base64 in JSON): parsing with the signature checked, the subject's CN and O, the SANs, and issuing a certificate
/// from the cluster CA as kube-controller-manager's csrsigning does.
/// </summary>
internal static class CertificateRequests
{
    public const string KubeApiServerClientSigner = "kubernetes.io/kube-apiserver-client";

    public const string KubeletServingSigner = "kubernetes.io/kubelet-serving";

    public const string KubeApiServerClientKubeletSigner = "kubernetes.io/kube-apiserver-client-kubelet";

    /// <summary>Issued certificates start this long before now, for clock skew (upstream's backdate).</summary>
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    private const string CommonNameOid = "2.5.4.3";

    private const string OrganizationOid = "2.5.4.10";

    /// <summary>Parses spec.request (base64 of the PEM); throws CryptographicException, FormatException or ArgumentException.</summary>
    public static CertificateRequest Parse(string base64Pem) =>
        CertificateRequest.LoadSigningRequestPem(
            Encoding.UTF8.GetString(Convert.FromBase64String(base64Pem)), HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);

    /// <summary>The subject's organizations (O), in order.</summary>
    public static IReadOnlyList<string> Organizations(X500DistinguishedName subject) => Values(subject, OrganizationOid);

    /// <summary>The subject's common name (CN), "" when none.</summary>
    public static string CommonName(X500DistinguishedName subject) => Values(subject, CommonNameOid).FirstOrDefault() ?? "";

    /// <summary>The request's subject alternative names extension, or null.</summary>
    public static X509SubjectAlternativeNameExtension? AlternativeNames(CertificateRequest request) =>
        request.CertificateExtensions.FirstOrDefault(e => e.Oid?.Value == "2.5.29.17") is { } extension
            ? new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical)
            : null;

    /// <summary>
    /// A certificate for <paramref name="request"/>'s subject, key and SANs, signed by <paramref name="ca"/> (which has its
    /// private key), with the key usages and extended key usages of the CSR's usages, valid from five minutes ago
    /// for <paramref name="duration"/>, never beyond the CA.
    /// </summary>
    public static X509Certificate2 Sign(X509Certificate2 ca, CertificateRequest request, IReadOnlyList<string> usages, TimeSpan duration, DateTimeOffset now)
    {
        var issued = new CertificateRequest(request.SubjectName, request.PublicKey, HashAlgorithmName.SHA256);
        issued.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        var keyUsage = KeyUsage(usages);
        if (keyUsage != X509KeyUsageFlags.None)
        {
            issued.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsage, critical: true));
        }

        var extended = ExtendedKeyUsages(usages);
        if (extended.Count > 0)
        {
            issued.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(extended, critical: false));
        }

        issued.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (AlternativeNames(request) is { } names)
        {
            issued.CertificateExtensions.Add(names);
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        var notAfter = now + duration < ca.NotAfter ? now + duration : new DateTimeOffset(ca.NotAfter);
        var notBefore = now - Backdate > ca.NotBefore ? now - Backdate : new DateTimeOffset(ca.NotBefore);
        using var key = ca.GetECDsaPrivateKey();
        if (key is not null)
        {
            return issued.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(key), notBefore, notAfter, serial);
        }

        using var rsa = ca.GetRSAPrivateKey() ?? throw new InvalidOperationException("the CA has no private key");
        return issued.Create(ca.SubjectName, X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1), notBefore, notAfter, serial);
    }

    private static X509KeyUsageFlags KeyUsage(IReadOnlyList<string> usages)
    {
        var flags = X509KeyUsageFlags.None;
        foreach (var usage in usages)
        {
            flags |= usage switch
            {
                "signing" or "digital signature" => X509KeyUsageFlags.DigitalSignature,
                "content commitment" => X509KeyUsageFlags.NonRepudiation,
                "key encipherment" => X509KeyUsageFlags.KeyEncipherment,
                "key agreement" => X509KeyUsageFlags.KeyAgreement,
                "data encipherment" => X509KeyUsageFlags.DataEncipherment,
                "cert sign" => X509KeyUsageFlags.KeyCertSign,
                "crl sign" => X509KeyUsageFlags.CrlSign,
                "encipher only" => X509KeyUsageFlags.EncipherOnly,
                "decipher only" => X509KeyUsageFlags.DecipherOnly,
                _ => X509KeyUsageFlags.None,
            };
        }

        return flags;
    }

    private static OidCollection ExtendedKeyUsages(IReadOnlyList<string> usages)
    {
        var oids = new OidCollection();
        foreach (var usage in usages)
        {
            var oid = usage switch
            {
                "any" => "2.5.29.37.0",
                "server auth" => "1.3.6.1.5.5.7.3.1",
                "client auth" => "1.3.6.1.5.5.7.3.2",
                "code signing" => "1.3.6.1.5.5.7.3.3",
                "email protection" or "s/mime" => "1.3.6.1.5.5.7.3.4",
                "ipsec end system" => "1.3.6.1.5.5.7.3.5",
                "ipsec tunnel" => "1.3.6.1.5.5.7.3.6",
                "ipsec user" => "1.3.6.1.5.5.7.3.7",
                "timestamping" => "1.3.6.1.5.5.7.3.8",
                "ocsp signing" => "1.3.6.1.5.5.7.3.9",
                "microsoft sgc" => "1.3.6.1.4.1.311.10.3.3",
                "netscape sgc" => "2.16.840.1.113730.4.1",
                _ => null,
            };
            if (oid is not null && !oids.Cast<Oid>().Any(o => o.Value == oid))
            {
                oids.Add(new Oid(oid));
            }
        }

        return oids;
    }

    private static List<string> Values(X500DistinguishedName subject, string oid)
    {
        var values = new List<string>();
        foreach (var rdn in subject.EnumerateRelativeDistinguishedNames())
        {
            if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == oid && rdn.GetSingleElementValue() is { } value)
            {
                values.Add(value);
            }
        }

        return values;
    }
}
