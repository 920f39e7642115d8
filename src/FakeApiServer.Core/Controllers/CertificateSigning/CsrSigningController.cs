using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;
using FakeApiServer.Security.Tls;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.CertificateSigning;

/// <summary>
/// kube-controller-manager's csrsigning controller for the built-in signers kubernetes.io/kube-apiserver-client,
/// kubernetes.io/kubelet-serving and kubernetes.io/kube-apiserver-client-kubelet, with the cluster CA
/// (<see cref="ControllerContext.ClusterCa"/>; on plain http there is none and nothing is signed). An approved CSR
/// without a certificate or a Failed condition is checked against its signer's policy (<see cref="SignerPolicies"/>):
/// refused, it gets a Failed condition (reason SignerValidationFailure); else status.certificate is set to a PEM
/// certificate for its subject, key, SANs and usages, valid for spec.expirationSeconds (at least 10 minutes) or
/// else for a year (--cluster-signing-duration's default, also the cap).
/// </summary>
internal sealed partial class CsrSigningController(ControllerContext context) : Reconciler<string>(context, "csrsigning")
{
    /// <summary>kube-controller-manager's --cluster-signing-duration default.</summary>
    public static readonly TimeSpan SigningDuration = TimeSpan.FromHours(8760);

    private static readonly TimeSpan MinimumDuration = TimeSpan.FromMinutes(10);

    private SharedInformer CsrInformer => Informers.For("certificates.k8s.io", "certificatesigningrequests");

    private ResourceStore Csrs => Context.Catalog.Get("certificates.k8s.io", "certificatesigningrequests");

    protected override void Watch(SharedInformerFactory informers)
    {
        if (Context.ClusterCa is null)
        {
            return;
        }

        CsrInformer.AddHandler(e =>
        {
            if (e.Type != InformerEventType.Deleted)
            {
                Queue.Add(e.Object.Name());
            }
        });
    }

    protected override async Task ReconcileAsync(string name, CancellationToken cancellationToken)
    {
        if (Context.ClusterCa is not { } ca || CsrInformer.Lister.Get(name) is not { } csr || !NeedsSigning(csr))
        {
            return;
        }

        var spec = csr["spec"] as JsonObject ?? [];
        var signer = spec.GetString("signerName") ?? "";
        if (!SignerPolicies.IsBuiltIn(signer))
        {
            return;
        }

        CertificateRequest request;
        try
        {
            request = CertificateRequests.Parse(spec.GetString("request") ?? "");
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            Log.Unparsable(Logger, name, e.Message);
            return;
        }

        var usages = (spec["usages"] as JsonArray ?? []).Select(u => u?.GetValue<string>() ?? "").ToList();
        var now = Time.GetUtcNow();
        Action<JsonObject> sign = SignerPolicies.Refusal(signer, request, usages) is { } refusal
            ? c => CsrConditions.Add(c, "Failed", "SignerValidationFailure", refusal, now)
            : c => c["status"]!["certificate"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(Issue(ca, request, usages, spec.GetInt64("expirationSeconds"), now)));
        try
        {
            await Csrs.UpdateAsync("", name, current =>
            {
                if (!NeedsSigning(current))
                {
                    return current;
                }

                current["status"] ??= new JsonObject();
                sign(current);
                return current;
            }, Csrs.Definition.StatusStrategy!, new WriteOptions(FieldManager: ReplicaSets.ReplicaSetController.FieldManager) { Subresource = "status" }, cancellationToken);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            // Deleted meanwhile.
        }
    }

    /// <summary>Approved (and not denied), not failed, no certificate yet.</summary>
    internal static bool NeedsSigning(JsonObject csr)
    {
        var status = csr["status"] as JsonObject;
        if (!string.IsNullOrEmpty(status?.GetString("certificate")))
        {
            return false;
        }

        var conditions = (status?["conditions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        bool Has(string type) => conditions.Any(c => c.GetString("type") == type && c.GetString("status") != "False");
        return Has("Approved") && !Has("Denied") && !Has("Failed");
    }

    private static string Issue(X509Certificate2 ca, CertificateRequest request, IReadOnlyList<string> usages, long? seconds, DateTimeOffset now)
    {
        var duration = seconds is { } s ? TimeSpan.FromSeconds(s) : SigningDuration;
        duration = duration > SigningDuration ? SigningDuration : duration < MinimumDuration ? MinimumDuration : duration;
        using var certificate = CertificateRequests.Sign(ca, request, usages, duration, now);
        return ClusterPki.CertificatePem(certificate);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 690, Level = LogLevel.Information, Message = "CertificateSigningRequest {Name} has a request that does not parse: {Reason}")]
        public static partial void Unparsable(ILogger logger, string name, string reason);
    }
}
