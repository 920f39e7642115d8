using FakeApiServer.Security;
using FakeApiServer.Security.Authentication;
using FakeApiServer.Security.Tls;

namespace FakeApiServer.Tests.Security.Authentication;

/// <summary>The union of authenticators, decided per request from its client certificate and Authorization header.</summary>
public sealed class RequestAuthenticationTests
{
    private static readonly BearerTokenAuthenticator Tokens =
        new(TokenFile.Parse("good,alice,1,dev\nroot,admin,2,system:masters\n", "tokens.csv"), serviceAccounts: null);

    [Fact]
    public void A_known_bearer_token_is_its_user()
    {
        var user = new RequestAuthentication(null, Tokens, anonymous: true).Authenticate(null, "Bearer good");

        Assert.Equal("alice", user?.Name);
        Assert.Equal(["dev", UserInfo.AuthenticatedGroup], user?.Groups);
    }

    [Fact]
    public void An_unknown_bearer_token_is_unauthorized_even_when_anonymous_requests_are_allowed()
    {
        Assert.Null(new RequestAuthentication(null, Tokens, anonymous: true).Authenticate(null, "Bearer wrong"));
    }

    [Fact]
    public void No_credentials_is_anonymous_or_unauthorized_with_anonymous_auth_off()
    {
        Assert.Same(UserInfo.Anonymous, new RequestAuthentication(null, Tokens, anonymous: true).Authenticate(null, default));
        Assert.Null(new RequestAuthentication(null, Tokens, anonymous: false).Authenticate(null, default));
    }

    [Fact]
    public void An_authorization_header_of_another_scheme_carries_no_credentials()
    {
        Assert.Same(UserInfo.Anonymous, new RequestAuthentication(null, Tokens, anonymous: true).Authenticate(null, "Basic YWxpY2U6cHc="));
    }

    [Fact]
    public void A_client_certificate_from_the_CA_is_the_user_of_its_CN_in_the_groups_of_its_O()
    {
        var now = DateTimeOffset.UtcNow;
        using var ca = CertificateAuthority.CreateCa(now);
        using var client = CertificateAuthority.IssueClient(ca, "carol", ["team-a", "team-b"], now);
        var authentication = new RequestAuthentication(new ClientCertificateAuthenticator([ca], TimeProvider.System), Tokens, anonymous: false);

        var user = authentication.Authenticate(client, default);

        Assert.Equal("carol", user?.Name);
        Assert.Equal(["team-a", "team-b", UserInfo.AuthenticatedGroup], user?.Groups);
    }

    [Fact]
    public void A_client_certificate_from_another_CA_is_unauthorized_unless_a_token_authenticates()
    {
        var now = DateTimeOffset.UtcNow;
        using var ca = CertificateAuthority.CreateCa(now);
        using var other = CertificateAuthority.CreateCa(now);
        using var client = CertificateAuthority.IssueClient(other, "mallory", ["system:masters"], now);
        var authentication = new RequestAuthentication(new ClientCertificateAuthenticator([ca], TimeProvider.System), Tokens, anonymous: true);

        Assert.Null(authentication.Authenticate(client, default));
        Assert.Equal("alice", authentication.Authenticate(client, "Bearer good")?.Name);
    }
}
