using FakeApiServer.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Observability;

/// <summary>
/// The request log: one structured line per request when it ends (verb, path and query, resource, user, user agent,
/// status, latency, audit ID), and for a watch one more when it starts; a watch's last line counts the events it sent.
/// Written under the category <see cref="Category"/> at Information with --request-log, else at Debug (seen with
/// --log-level Debug). Off by default at Information because a line per request costs more than a request: the console
/// logger writes each line on a queue that a load run of thousands of requests a second floods, and kube-apiserver too
/// logs requests only when asked (-v=3); a test fixture's output would drown in discovery and watch lines.
/// </summary>
internal sealed partial class RequestLog : IRequestObserver
{
    /// <summary>The logger category of the request lines.</summary>
    public const string Category = "FakeApiServer.Requests";

    private readonly ILogger _logger;
    private readonly LogLevel _level;

    public RequestLog(ILogger logger, LogLevel level)
    {
        _logger = logger;
        _level = level;
    }

    /// <summary>Whether any line would be written (else the observer need not subscribe).</summary>
    public bool IsEnabled => _logger.IsEnabled(_level);

    public void OnStarted(HttpContext context, RequestObservation observation)
    {
        var info = RequestInfo.Of(context);
        if (info.Verb != "watch" || !_logger.IsEnabled(_level))
        {
            return;
        }

        var uri = context.Request.Path.Value + context.Request.QueryString.Value;
        var resource = ResourceOf(info.Group, info.Resource, info.Subresource);
        var userAgent = context.Request.Headers.UserAgent.ToString();
        Log.WatchStarted(_logger, _level, info.Verb, uri, resource, userAgent, observation.AuditId);
    }

    public void OnCompleted(CompletedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_logger.IsEnabled(_level))
        {
            return;
        }

        var resource = ResourceOf(request.Group, request.Resource, request.Subresource);
        var latency = request.Latency.TotalMilliseconds;
        var uri = request.Path + request.Query;
        if (request.Verb == "watch")
        {
            Log.WatchEnded(_logger, _level, request.Verb, uri, resource, request.User, request.UserAgent, request.StatusCode, latency, request.WatchEvents, request.AuditId);
            return;
        }

        Log.RequestCompleted(_logger, _level, request.Verb, uri, resource, request.User, request.UserAgent, request.StatusCode, latency, request.AuditId);
    }

    /// <summary>The group-qualified resource and its subresource (deployments.apps/scale), "" for a non-resource path.</summary>
    private static string ResourceOf(string group, string resource, string subresource) =>
        (group.Length > 0 ? resource + "." + group : resource) + (subresource.Length > 0 ? "/" + subresource : "");

    private static partial class Log
    {
        [LoggerMessage(EventId = 1100, Message = "HTTP verb={Verb} URI={Uri} resource={Resource} user={User} userAgent=\"{UserAgent}\" status={StatusCode} latency={LatencyMilliseconds:0.###}ms auditID={AuditId}")]
        public static partial void RequestCompleted(
            ILogger logger, LogLevel level, string verb, string uri, string resource, string user, string userAgent, int statusCode, double latencyMilliseconds, string auditId);

        [LoggerMessage(EventId = 1101, Message = "WATCH started verb={Verb} URI={Uri} resource={Resource} userAgent=\"{UserAgent}\" auditID={AuditId}")]
        public static partial void WatchStarted(ILogger logger, LogLevel level, string verb, string uri, string resource, string userAgent, string auditId);

        [LoggerMessage(EventId = 1102, Message = "WATCH ended verb={Verb} URI={Uri} resource={Resource} user={User} userAgent=\"{UserAgent}\" status={StatusCode} latency={LatencyMilliseconds:0.###}ms events={Events} auditID={AuditId}")]
        public static partial void WatchEnded(
            ILogger logger, LogLevel level, string verb, string uri, string resource, string user, string userAgent, int statusCode, double latencyMilliseconds,
            long events, string auditId);
    }
}
