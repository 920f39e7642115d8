using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Observability.Audit;

/// <summary>
/// The audit of a request that fails authentication (upstream's WithFailedAuthenticationAudit): the audit filter never
/// sees it, since authentication answers 401 first, so the authentication filter calls this before it answers. The
/// policy is evaluated with no user (rules naming users or groups do not match it); when it audits, one event is
/// written, at stage ResponseStarted (none when the policy omits that stage), with user {}. Its responseStatus is the
/// Unauthorized Status the client gets (upstream first sets "Authentication failed, ..." as the message, and the Status
/// its failed handler writes then replaces it), and at RequestResponse level that Status is the responseObject.
/// </summary>
internal static class FailedAuthenticationAudit
{
    /// <summary>The user of a request no authenticator accepted: none (upstream's nil user.Info).</summary>
    private static readonly Security.UserInfo NoUser = new("", "", [], new Dictionary<string, IReadOnlyList<string>>());

    /// <summary>Writes the event of the 401 about to be sent with <paramref name="status"/> as its body, when the policy audits the request.</summary>
    public static void Record(HttpContext context, Auditor? auditor, ReadOnlySpan<byte> status)
    {
        if (auditor is null || AuditFilter.Begin(context, auditor, NoUser) is not { } audit)
        {
            return;
        }

        audit.LogResponseObject(status);
        audit.LogResponseCode(StatusCodes.Status401Unauthorized);
        auditor.Process(audit, AuditStage.ResponseStarted);
    }
}
