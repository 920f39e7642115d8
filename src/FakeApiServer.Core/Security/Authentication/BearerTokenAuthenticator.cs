using System.Collections.Frozen;
using FakeApiServer.Security.ServiceAccounts;

namespace FakeApiServer.Security.Authentication;

/// <summary>
/// kube-apiserver's union of token authenticators, in its order: the static tokens (--token-auth-file), which are
/// audience-agnostic (they authenticate only for the server's own audiences), then service account tokens. A token the
/// first does not know goes to the next; a service account token that fails says why.
/// </summary>
internal sealed class BearerTokenAuthenticator
{
    private readonly FrozenDictionary<string, UserInfo>.AlternateLookup<ReadOnlySpan<char>> _tokens;
    private readonly ServiceAccountTokenAuthenticator? _serviceAccounts;

    /// <param name="tokens">The static tokens.</param>
    /// <param name="serviceAccounts">The service account token authenticator, or null to accept static tokens only.</param>
    public BearerTokenAuthenticator(FrozenDictionary<string, UserInfo> tokens, ServiceAccountTokenAuthenticator? serviceAccounts)
    {
        _tokens = tokens.GetAlternateLookup<ReadOnlySpan<char>>();
        _serviceAccounts = serviceAccounts;
    }

    /// <summary>The server's audiences: what a request's token must be for, and a TokenReview's default.</summary>
    public IReadOnlyList<string> ApiAudiences => _serviceAccounts?.Issuer.ApiAudiences ?? [ServiceAccountIssuer.DefaultIssuer];

    /// <summary>The user of a request's bearer token; the static tokens are looked up without allocating.</summary>
    public TokenAuthentication Authenticate(ReadOnlySpan<char> token) =>
        _tokens.TryGetValue(token, out var user)
            ? TokenAuthentication.Succeeded(user, ApiAudiences)
            : _serviceAccounts?.Authenticate(token.ToString(), null) ?? TokenAuthentication.NotRecognized;

    /// <summary>
    /// The user of <paramref name="token"/> for the <paramref name="audiences"/> a TokenReview asks about (null or empty:
    /// the server's), with the audiences it is valid for among them.
    /// </summary>
    public TokenAuthentication Authenticate(string token, IReadOnlyList<string>? audiences)
    {
        ArgumentNullException.ThrowIfNull(token);
        var targets = audiences is { Count: > 0 } ? audiences : ApiAudiences;
        if (_tokens.TryGetValue(token, out var user))
        {
            var shared = ApiAudiences.Intersect(targets, StringComparer.Ordinal).ToArray();
            if (shared.Length > 0)
            {
                return TokenAuthentication.Succeeded(user, shared);
            }
        }

        return _serviceAccounts?.Authenticate(token, targets) ?? TokenAuthentication.NotRecognized;
    }
}
