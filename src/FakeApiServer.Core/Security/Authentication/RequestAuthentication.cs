using System.Security.Cryptography.X509Certificates;
using FakeApiServer.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace FakeApiServer.Security.Authentication;

/// <summary>
/// kube-apiserver's authentication filter: the union of the client certificate and bearer token authenticators (static
/// tokens, then service account tokens), then anonymous. The first authenticator that recognises the request's credentials names its user; credentials that none
/// accepts (a certificate that does not verify, an unknown bearer token) are a 401 "Unauthorized" Status, never anonymous;
/// a request without credentials is system:anonymous, or 401 with --anonymous-auth=false. Installed only when
/// authentication is on (TLS or a token file); otherwise every request stays <see cref="UserInfo.Unsecured"/>.
/// </summary>
internal sealed class RequestAuthentication
{
    /// <summary>Upstream's answer to a request no authenticator accepted.</summary>
    private static readonly byte[] UnauthorizedStatus = ApiErrors.StatusBytes(new ApiException(401, "Unauthorized", "Unauthorized"));

    private readonly ClientCertificateAuthenticator? _certificates;
    private readonly BearerTokenAuthenticator _tokens;
    private readonly bool _anonymous;
    private readonly Observability.Audit.Auditor? _auditor;

    public RequestAuthentication(ClientCertificateAuthenticator? certificates, BearerTokenAuthenticator tokens, bool anonymous, Observability.Audit.Auditor? auditor = null)
    {
        _certificates = certificates;
        _tokens = tokens;
        _anonymous = anonymous;
        _auditor = auditor;
    }

    /// <summary>The middleware: sets the request's user, or answers 401.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        UserInfo? user;
        using (Observability.Tracing.ApiServerTracing.StartStep("authentication"))
        {
            user = Authenticate(context.Connection.ClientCertificate, context.Request.Headers.Authorization);
        }

        if (user is not null)
        {
            context.SetUser(user);
            return next(context);
        }

        Observability.Audit.FailedAuthenticationAudit.Record(context, _auditor, UnauthorizedStatus);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "application/json";
        return JsonBody.WriteAsync(context, UnauthorizedStatus).AsTask();
    }

    /// <summary>The user of a request with this client certificate and Authorization header, or null for 401.</summary>
    internal UserInfo? Authenticate(X509Certificate2? certificate, StringValues authorization)
    {
        var rejected = false;
        if (certificate is not null && _certificates is not null)
        {
            var (verdict, user) = _certificates.Authenticate(certificate);
            if (verdict == CertificateVerdict.User)
            {
                return user;
            }

            rejected = verdict == CertificateVerdict.Invalid;
        }

        if (TryGetBearerToken(authorization, out var token))
        {
            if (_tokens.Authenticate(token).User is { } user)
            {
                return user;
            }

            rejected = true;
        }

        return rejected ? null : _anonymous ? UserInfo.Anonymous : null;
    }

    /// <summary>
    /// The token of "Authorization: Bearer &lt;token&gt;" (scheme case-insensitive, as upstream); false for any other
    /// header. No allocation: the token is looked up as a span.
    /// </summary>
    private static bool TryGetBearerToken(StringValues authorization, out ReadOnlySpan<char> token)
    {
        token = default;
        if (authorization.Count == 0 || authorization[0] is not { } value)
        {
            return false;
        }

        var header = value.AsSpan().Trim();
        const string Scheme = "Bearer ";
        if (header.Length <= Scheme.Length || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        token = header[Scheme.Length..];
        var space = token.IndexOf(' ');
        token = space >= 0 ? token[..space] : token;
        return token.Length > 0;
    }
}
