using FakeApiServer.Apis.Certificates.CertificateSigningRequests;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Certificates;

/// <summary>certificates.k8s.io/v1.</summary>
internal static class CertificatesGroup
{
    public static IEnumerable<ResourceDefinition> Resources()
    {
        var requests = new CertificateSigningRequestStrategy();
        yield return new ResourceDefinition("certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests", Namespaced: false)
        {
            ShortNames = ["csr"],
            Strategy = requests,
            StatusStrategy = new StatusStrategy(requests),
            ApprovalStrategy = new CertificateSigningRequestApprovalStrategy(requests),
            Table = CertificateSigningRequestTable.Instance,
        };
    }
}
