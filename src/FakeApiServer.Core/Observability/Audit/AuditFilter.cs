using FakeApiServer.Api;
using FakeApiServer.Security;
using FakeApiServer.Security.Limits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FakeApiServer.Observability.Audit;

/// <summary>
/// The audit step of the handler chain (upstream's WithAudit), right after authentication and before impersonation
/// and authorization: the policy picks the request's level from the authenticated user and the request info; an
/// audited request's event is written at RequestReceived, at ResponseStarted for long-running requests (watch, logs,
/// exec...), and at ResponseComplete, or Panic when a handler throws. With a blocking backend (the log), the response
/// of a request that is not long-running is held until its ResponseComplete event is written, so a client that saw a
/// write acknowledged can find its event.
/// </summary>
internal static class AuditFilter
{
    /// <summary>upstream's maxUserAgentLength and the suffix of a cut user agent.</summary>
    private const int MaxUserAgentLength = 1024;

    public static IApplicationBuilder UseAudit(this IApplicationBuilder app, Auditor? auditor) =>
        auditor is null ? app : app.Use(next => context => InvokeAsync(context, next, auditor));

    private static async Task InvokeAsync(HttpContext context, RequestDelegate next, Auditor auditor)
    {
        var info = RequestInfo.Of(context);
        var user = context.GetUser();
        if (Begin(context, auditor, user) is not { } audit)
        {
            await next(context);
            return;
        }

        if (!auditor.Process(audit, AuditStage.RequestReceived))
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await context.Response.WriteAsync("Internal Server Error: \"" + info.Path + "\": failed to store audit event", context.RequestAborted);
            return;
        }

        var longRunning = LongRunningRequests.IsLongRunning(context);
        context.Response.OnStarting(() =>
        {
            NoteImpersonation(context, audit, user);
            audit.LogResponseCode(context.Response.StatusCode);
            if (longRunning)
            {
                auditor.Process(audit, AuditStage.ResponseStarted);
            }

            return Task.CompletedTask;
        });
        using var held = auditor.IsBlocking && !longRunning ? HeldResponse.Hold(context) : null;
        try
        {
            await next(context);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            NoteImpersonation(context, audit, user);
            audit.SetResponseStatus(new AuditResponseStatus { Code = 500, Status = "Failure", Reason = "InternalError", Message = "APIServer panic'd: " + e.Message });
            auditor.Process(audit, AuditStage.Panic);
            held?.Release();
            throw;
        }

        NoteImpersonation(context, audit, user);
        if (!context.Response.HasStarted && (context.Response.StatusCode != StatusCodes.Status200OK || held is { IsEmpty: false }))
        {
            // Nothing has gone to the client yet (held, or a handler that only set a code): the code it will get.
            audit.LogResponseCode(context.Response.StatusCode);
        }

        if (!audit.HasResponseStatus)
        {
            audit.SetResponseStatus(new AuditResponseStatus { Code = 200, Status = "Success", Message = "Connection closed early" });
            if (longRunning)
            {
                auditor.Process(audit, AuditStage.ResponseStarted);
            }
        }

        auditor.Process(audit, AuditStage.ResponseComplete);
        if (held is not null)
        {
            await held.ReleaseAsync(context.RequestAborted);
        }
    }

    /// <summary>
    /// The request's audit as the policy sets it for <paramref name="user"/> and the request info (upstream's
    /// evaluatePolicyAndCreateAuditEvent), kept on the request's features; null when the policy's level is None.
    /// </summary>
    internal static RequestAudit? Begin(HttpContext context, Auditor auditor, UserInfo user)
    {
        var info = RequestInfo.Of(context);
        var config = auditor.Policy.Evaluate(new AuditAttributes
        {
            User = user.Name,
            Groups = user.Groups,
            Verb = info.Verb,
            IsResourceRequest = info.IsResourceRequest,
            Path = info.Path,
            Namespace = info.Namespace,
            Group = info.Group,
            Resource = info.Resource,
            Subresource = info.Subresource,
            Name = info.Name,
        });
        if (config.Level == AuditLevel.None)
        {
            return null;
        }

        var audit = new RequestAudit(config, NewEvent(context, info, user, config.Level, auditor.Time));
        context.Features.Set(audit);
        return audit;
    }

    private static void NoteImpersonation(HttpContext context, RequestAudit audit, UserInfo authenticated)
    {
        if (!ReferenceEquals(context.GetUser(), authenticated))
        {
            audit.LogImpersonatedUser(context.GetUser());
        }
    }

    /// <summary>The event's metadata (upstream's LogRequestMetadata): when, who, from where, what.</summary>
    private static AuditEvent NewEvent(HttpContext context, RequestInfo info, UserInfo user, AuditLevel level, TimeProvider time)
    {
        var observation = RequestObservation.Of(context);
        var userAgent = context.Request.Headers.UserAgent.ToString();
        return new AuditEvent
        {
            Level = level,
            AuditId = observation?.AuditId ?? context.Response.Headers[RequestObservationFilter.AuditIdHeader].ToString(),
            RequestUri = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : context.Request.Path + context.Request.QueryString,
            Verb = info.Verb,
            User = user,
            SourceIps = SourceIps(context),
            UserAgent = userAgent.Length > MaxUserAgentLength ? userAgent[..MaxUserAgentLength] + "...TRUNCATED" : userAgent,
            ObjectRef = info.IsResourceRequest
                ? new AuditObjectReference
                {
                    Namespace = info.Namespace,
                    Name = info.Name,
                    Resource = info.Resource,
                    Subresource = info.Subresource,
                    ApiGroup = info.Group,
                    ApiVersion = info.Version,
                }
                : null,
            RequestReceivedTimestamp = observation?.Started ?? time.GetUtcNow(),
        };
    }

    /// <summary>
    /// The client's addresses as upstream's utilnet.SourceIPs gives them: X-Forwarded-For's valid addresses, X-Real-Ip
    /// when not among them, then the connection's address unless it is the last already.
    /// </summary>
    private static List<string> SourceIps(HttpContext context)
    {
        var ips = new List<System.Net.IPAddress>();
        foreach (var part in context.Request.Headers["X-Forwarded-For"].ToString().Split(','))
        {
            if (System.Net.IPAddress.TryParse(part.Trim(), out var forwarded))
            {
                ips.Add(forwarded);
            }
        }

        if (System.Net.IPAddress.TryParse(context.Request.Headers["X-Real-Ip"].ToString(), out var real) && !ips.Contains(real))
        {
            ips.Add(real);
        }

        if (context.Connection.RemoteIpAddress is { } remote)
        {
            remote = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
            if (ips.Count == 0 || !ips[^1].Equals(remote))
            {
                ips.Add(remote);
            }
        }

        return [.. ips.Select(ip => ip.ToString())];
    }
}
