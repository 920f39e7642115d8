using System.Text.Json.Nodes;
using FakeApiServer.Security.Authorization;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// kube-apiserver's CertificateSigning: an update of certificatesigningrequests/status that changes status.certificate
/// or status.conditions needs the "sign" verb on the CSR's signer (<see cref="SignerAuthorization"/>), else 403.
/// </summary>
internal sealed class CertificateSigningPlugin(IAuthorizer authorizer) : IValidatingAdmissionPlugin
{
    public const string PluginName = "CertificateSigning";

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) =>
        request.Operation == AdmissionOperation.Update && request.Subresource == "status"
        && request.Definition.Group == "certificates.k8s.io" && request.Definition.Plural == "certificatesigningrequests";

    public ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var status = request.Object?["status"];
        var oldStatus = request.OldObject?["status"];
        if (request.OldObject is not null
            && JsonNode.DeepEquals(status?["certificate"], oldStatus?["certificate"])
            && JsonNode.DeepEquals(status?["conditions"], oldStatus?["conditions"]))
        {
            return ValueTask.CompletedTask;
        }

        var signer = (request.OldObject ?? request.Object)?["spec"]?["signerName"]?.GetValue<string>() ?? "";
        if (!SignerAuthorization.IsAuthorized(authorizer, request.User, "sign", signer))
        {
            throw request.Forbidden($"user not permitted to sign requests with signerName \"{signer}\"");
        }

        return ValueTask.CompletedTask;
    }
}
