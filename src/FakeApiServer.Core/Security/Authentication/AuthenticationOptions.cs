namespace FakeApiServer.Security.Authentication;

/// <summary>
/// Which authenticators run (--token-auth-file, --anonymous-auth). Client certificates are authenticated whenever the
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
}
