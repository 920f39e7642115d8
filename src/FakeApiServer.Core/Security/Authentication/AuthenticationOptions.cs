namespace FakeApiServer.Security.Authentication;

/// <summary>
/// Which authenticators run (--token-auth-file, --anonymous-auth) and how service account tokens are issued
/// (--service-account-issuer, --api-audiences). Client certificates are authenticated whenever the
/// server serves TLS (against the cluster CA and --client-ca-file).
/// </summary>
public sealed record AuthenticationOptions
{
    /// <summary>Static bearer tokens in kube-apiserver's CSV format: token,user,uid,"group1,group2" (--token-auth-file).</summary>
    public string? TokenAuthFile { get; init; }

    /// <summary>
    /// Whether a request without credentials is served as system:anonymous in system:unauthenticated (--anonymous-auth,
    /// true as in kube-apiserver); false answers it 401. Only consulted when authentication is on (TLS or a token file).
    /// </summary>
    public bool Anonymous { get; init; } = true;

    /// <summary>
    /// The "iss" of service account tokens and the issuer discovery names (--service-account-issuer); kube-apiserver's
    /// value in its common setups (kubeadm, kind) by default.
    /// </summary>
    public string ServiceAccountIssuer { get; init; } = ServiceAccounts.ServiceAccountIssuer.DefaultIssuer;

    /// <summary>
    /// The audiences a bearer token must be for to authenticate a request, and a TokenRequest's default (--api-audiences);
    /// empty: the service account issuer, as upstream defaults it.
    /// </summary>
    public IReadOnlyList<string> ApiAudiences { get; init; } = [];
}
