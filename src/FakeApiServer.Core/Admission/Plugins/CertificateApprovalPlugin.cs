using FakeApiServer.Security.Authorization;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// kube-apiserver's CertificateApproval: an update of certificatesigningrequests/approval needs the "approve" verb on
/// the CSR's signer (<see cref="SignerAuthorization"/>), else 403.
/// </summary>
internal sealed class CertificateApprovalPlugin(IAuthorizer authorizer) : IValidatingAdmissionPlugin
{
    public const string PluginName = "CertificateApproval";

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) =>
        request.Operation == AdmissionOperation.Update && request.Subresource == "approval"
        && request.Definition.Group == "certificates.k8s.io" && request.Definition.Plural == "certificatesigningrequests";

    public ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var signer = request.Object?["spec"]?["signerName"]?.GetValue<string>() ?? "";
        if (!SignerAuthorization.IsAuthorized(authorizer, request.User, "approve", signer))
        {
            throw request.Forbidden($"user not permitted to approve requests with signerName \"{signer}\"");
        }

        return ValueTask.CompletedTask;
    }
}
