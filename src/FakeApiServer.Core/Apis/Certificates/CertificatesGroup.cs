using FakeApiServer.Api.Subresources;
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
            Subresources = new Dictionary<string, SubresourceHandler>
            {
                ["approval"] = Subresource.Approval(new CertificateSigningRequestApprovalStrategy(requests)),
                ["status"] = Subresource.Status(new StatusStrategy(requests)),
            },
            Table = CertificateSigningRequestTable.Instance,
        };
    }
}
