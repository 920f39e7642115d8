using FakeApiServer.Security;
using FakeApiServer.Security.Authorization;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// Whether a user may act on a CSR's signer (upstream's certificates admission IsAuthorizedForSignerName): the verb
/// ("approve", "sign") on certificates.k8s.io "signers" named the signerName, else named "&lt;domain&gt;/*".
/// </summary>
internal static class SignerAuthorization
{
    public static bool IsAuthorized(IAuthorizer authorizer, AdmissionUser user, string verb, string signerName)
    {
        var info = new UserInfo(user.Username, user.Uid, user.Groups, new Dictionary<string, IReadOnlyList<string>>());
        return Allowed(authorizer, info, verb, signerName) || Allowed(authorizer, info, verb, signerName.Split('/')[0] + "/*");
    }

    private static bool Allowed(IAuthorizer authorizer, UserInfo user, string verb, string name) =>
        authorizer.Authorize(AuthorizationAttributes.ForResource(user, verb, "certificates.k8s.io", "signers", name: name) with { ApiVersion = "*" }).Allowed;
}
