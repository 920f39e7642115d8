using FakeApiServer.Admission;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api;

/// <summary>The warning sink of an HTTP request: each warning becomes a Warning header of the response, once.</summary>
internal sealed class ResponseWarnings : IWarningSink
{
    private readonly HttpContext _context;
    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);

    public ResponseWarnings(HttpContext context) => _context = context;

    public void Add(string text)
    {
        if (!_context.Response.HasStarted && _sent.Add(text))
        {
            Warnings.Add(_context, text);
        }
    }
}
