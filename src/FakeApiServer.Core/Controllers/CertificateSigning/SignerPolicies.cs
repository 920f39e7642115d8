using System.Security.Cryptography.X509Certificates;
using FakeApiServer.Security.Tls;

namespace FakeApiServer.Controllers.CertificateSigning;

/// <summary>
/// What each built-in signer accepts (upstream's isRequestForSignerFn and the kubelet CSR checks of
/// pkg/apis/certificates): null when the request is fine, else the reason, which becomes the Failed condition's message.
/// </summary>
internal static class SignerPolicies
{
    private static readonly string[] KubeletClientUsages = ["client auth", "digital signature", "key encipherment"];

    private static readonly string[] KubeletClientUsagesNoRsa = ["client auth", "digital signature"];

    private static readonly string[] KubeletServingUsages = ["digital signature", "key encipherment", "server auth"];

    private static readonly string[] KubeletServingUsagesNoRsa = ["digital signature", "server auth"];

    /// <summary>Whether <paramref name="signer"/> is one csrsigning signs for.</summary>
    public static bool IsBuiltIn(string signer) =>
        signer is CertificateRequests.KubeApiServerClientSigner or CertificateRequests.KubeletServingSigner or CertificateRequests.KubeApiServerClientKubeletSigner;

    /// <summary>Why <paramref name="signer"/> refuses the request, or null.</summary>
    public static string? Refusal(string signer, CertificateRequest request, IReadOnlyList<string> usages) => signer switch
    {
        CertificateRequests.KubeApiServerClientSigner => ApiServerClientRefusal(usages),
        CertificateRequests.KubeletServingSigner => KubeletServingRefusal(request, usages),
        CertificateRequests.KubeApiServerClientKubeletSigner => KubeletClientRefusal(request, usages),
        _ => null,
    };

    /// <summary>upstream's ValidateKubeletClientCSR.</summary>
    public static string? KubeletClientRefusal(CertificateRequest request, IReadOnlyList<string> usages)
    {
        if (!CertificateRequests.Organizations(request.SubjectName).SequenceEqual(["system:nodes"]))
        {
            return "subject organization is not system:nodes";
        }

        var names = CertificateRequests.AlternativeNames(request);
        if (names?.EnumerateDnsNames().Any() == true)
        {
            return "DNS subjectAltNames are not allowed";
        }

        if (names?.EnumerateIPAddresses().Any() == true)
        {
            return "IP subjectAltNames are not allowed";
        }

        if (!CertificateRequests.CommonName(request.SubjectName).StartsWith("system:node:", StringComparison.Ordinal))
        {
            return "subject common name does not begin with system:node:";
        }

        return SameSet(usages, KubeletClientUsages) || SameSet(usages, KubeletClientUsagesNoRsa) ? null : UsagesDidNotMatch(KubeletClientUsages);
    }

    private static string? KubeletServingRefusal(CertificateRequest request, IReadOnlyList<string> usages)
    {
        if (!SameSet(usages, KubeletServingUsages) && !SameSet(usages, KubeletServingUsagesNoRsa))
        {
            return UsagesDidNotMatch(KubeletServingUsages);
        }

        if (!CertificateRequests.Organizations(request.SubjectName).SequenceEqual(["system:nodes"]))
        {
            return "subject organization is not system:nodes";
        }

        var names = CertificateRequests.AlternativeNames(request);
        if (names is null || (!names.EnumerateDnsNames().Any() && !names.EnumerateIPAddresses().Any()))
        {
            return "DNS or IP subjectAltName is required";
        }

        return CertificateRequests.CommonName(request.SubjectName).StartsWith("system:node:", StringComparison.Ordinal)
            ? null
            : "subject common name does not begin with system:node:";
    }

    /// <summary>upstream's validAPIServerClientUsages.</summary>
    private static string? ApiServerClientRefusal(IReadOnlyList<string> usages)
    {
        foreach (var usage in usages)
        {
            if (usage is not ("digital signature" or "key encipherment" or "client auth"))
            {
                return "invalid usage for client certificate: " + usage;
            }
        }

        return usages.Contains("client auth") ? null : "missing required usage for client certificate: client auth";
    }

    private static bool SameSet(IReadOnlyList<string> usages, string[] wanted) => usages.ToHashSet(StringComparer.Ordinal).SetEquals(wanted);

    private static string UsagesDidNotMatch(string[] wanted) => "usages did not match [" + string.Join(" ", wanted) + "]";
}
