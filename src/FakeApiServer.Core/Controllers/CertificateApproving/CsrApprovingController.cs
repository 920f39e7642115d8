using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.CertificateSigning;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;
using FakeApiServer.Security;
using FakeApiServer.Security.Authorization;
using FakeApiServer.Security.Tls;

namespace FakeApiServer.Controllers.CertificateApproving;

/// <summary>
/// kube-controller-manager's csrapproving controller (the SubjectAccessReview approver): a pending CSR for
/// kubernetes.io/kube-apiserver-client-kubelet that is a valid kubelet client request is approved (condition
/// Approved, reason AutoApproved) when its requester (spec.username, groups) may create
/// certificatesigningrequests/selfnodeclient (the CN is the requester) or certificatesigningrequests/nodeclient.
/// Every other CSR is left to people.
/// </summary>
internal sealed class CsrApprovingController(ControllerContext context) : Reconciler<string>(context, "csrapproving")
{
    private SharedInformer CsrInformer => Informers.For("certificates.k8s.io", "certificatesigningrequests");

    private ResourceStore Csrs => Context.Catalog.Get("certificates.k8s.io", "certificatesigningrequests");

    protected override void Watch(SharedInformerFactory informers) => CsrInformer.AddHandler(e =>
    {
        if (e.Type != InformerEventType.Deleted)
        {
            Queue.Add(e.Object.Name());
        }
    });

    protected override async Task ReconcileAsync(string name, CancellationToken cancellationToken)
    {
        if (CsrInformer.Lister.Get(name) is not { } csr || !IsPending(csr) || Recognized(csr) is not { } message)
        {
            return;
        }

        try
        {
            await Csrs.UpdateAsync("", name, current =>
            {
                if (!IsPending(current))
                {
                    return current;
                }

                CsrConditions.Add(current, "Approved", "AutoApproved", message, Time.GetUtcNow());
                return current;
            }, Csrs.Definition.Subresources["approval"].Strategy!, new WriteOptions(FieldManager: ReplicaSets.ReplicaSetController.FieldManager) { Subresource = "approval" }, cancellationToken);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            // Deleted meanwhile.
        }
    }

    /// <summary>No certificate, neither approved nor denied.</summary>
    private static bool IsPending(JsonObject csr) =>
        string.IsNullOrEmpty(csr["status"]?["certificate"]?.GetValue<string>())
        && !(csr["status"]?["conditions"] as JsonArray ?? []).Any(c => c?["type"]?.GetValue<string>() is "Approved" or "Denied");

    /// <summary>The approval message when the CSR is a kubelet client request its requester may make, else null.</summary>
    private string? Recognized(JsonObject csr)
    {
        var spec = csr["spec"] as JsonObject ?? [];
        if (spec.GetString("signerName") != CertificateRequests.KubeApiServerClientKubeletSigner)
        {
            return null;
        }

        CertificateRequest request;
        try
        {
            request = CertificateRequests.Parse(spec.GetString("request") ?? "");
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            return null;
        }

        var usages = (spec["usages"] as JsonArray ?? []).Select(u => u?.GetValue<string>() ?? "").ToList();
        if (SignerPolicies.KubeletClientRefusal(request, usages) is not null)
        {
            return null;
        }

        var username = spec.GetString("username") ?? "";
        var user = new UserInfo(username, spec.GetString("uid") ?? "",
            (spec["groups"] as JsonArray ?? []).Select(g => g?.GetValue<string>() ?? "").ToList(), new Dictionary<string, IReadOnlyList<string>>());
        if (username == CertificateRequests.CommonName(request.SubjectName) && MayCreate(user, "selfnodeclient"))
        {
            return "Auto approving self kubelet client certificate after SubjectAccessReview.";
        }

        return MayCreate(user, "nodeclient") ? "Auto approving kubelet client certificate after SubjectAccessReview." : null;
    }

    private bool MayCreate(UserInfo user, string subresource) =>
        Context.Authorizer.Authorize(AuthorizationAttributes.ForResource(user, "create", "certificates.k8s.io", "certificatesigningrequests", subresource: subresource)).Allowed;
}
