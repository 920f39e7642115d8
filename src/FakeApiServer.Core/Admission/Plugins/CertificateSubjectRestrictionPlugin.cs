using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FakeApiServer.Security;
using FakeApiServer.Security.Tls;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// kube-apiserver's CertificateSubjectRestriction: a CSR for the kubernetes.io/kube-apiserver-client signer may not
/// ask for the system:masters group (an O of its subject), 403 otherwise.
/// </summary>
internal sealed class CertificateSubjectRestrictionPlugin : IValidatingAdmissionPlugin
{
    public const string PluginName = "CertificateSubjectRestriction";

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) =>
        request.Operation == AdmissionOperation.Create && request.IsResource("certificates.k8s.io", "certificatesigningrequests");

    public ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spec = request.Object?["spec"];
        var signer = spec?["signerName"]?.GetValue<string>();
        if (signer != CertificateRequests.KubeApiServerClientSigner)
        {
            return ValueTask.CompletedTask;
        }

        CertificateRequest csr;
        try
        {
            csr = CertificateRequests.Parse(spec?["request"]?.GetValue<string>() ?? "");
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            // Upstream's validation refuses such a request before admission; this server does not parse it there, so
            // there is no subject to restrict, and no signer will sign it.
            return ValueTask.CompletedTask;
        }

        if (CertificateRequests.Organizations(csr.SubjectName).Contains(UserInfo.MastersGroup))
        {
            throw request.Forbidden($"use of {signer} signer with {UserInfo.MastersGroup} group is not allowed");
        }

        return ValueTask.CompletedTask;
    }
}
