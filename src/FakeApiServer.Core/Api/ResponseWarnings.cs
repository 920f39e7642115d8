using FakeApiServer.Admission;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api;

/// <summary>
/// The warning sink of an HTTP request: each warning becomes a Warning header of the response, once. Also its audit
/// annotation sink: admission's annotations go to the request's audit event, when it is audited.
/// </summary>
internal sealed class ResponseWarnings : IWarningSink, IAuditAnnotationSink
{
    private readonly HttpContext _context;
    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);

    public ResponseWarnings(HttpContext context) => _context = context;

    public void AddAnnotation(string key, string value) => Observability.Audit.RequestAudit.Of(_context)?.AddAnnotation(key, value);

    public void Add(string text)
    {
        if (!_context.Response.HasStarted && _sent.Add(text))
        {
            Warnings.Add(_context, text);
        }
    }
}
