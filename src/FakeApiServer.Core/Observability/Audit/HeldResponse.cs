using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FakeApiServer.Observability.Audit;

/// <summary>
/// A response body kept in memory while the handlers run, so that nothing (not even the status line) reaches the
/// client before the audit filter has written the request's ResponseComplete event; then sent as it was written.
/// </summary>
internal sealed class HeldResponse : IDisposable
{
    private readonly HttpContext _context;
    private readonly IHttpResponseBodyFeature _original;
    private readonly MemoryStream _buffer = new();

    private HeldResponse(HttpContext context, IHttpResponseBodyFeature original)
    {
        _context = context;
        _original = original;
    }

    /// <summary>Holds the response of <paramref name="context"/> from now on.</summary>
    public static HeldResponse? Hold(HttpContext context)
    {
        if (context.Features.Get<IHttpResponseBodyFeature>() is not { } original)
        {
            return null;
        }

        var held = new HeldResponse(context, original);
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(held._buffer, original));
        return held;
    }

    public void Dispose() => _buffer.Dispose();

    /// <summary>Whether the handlers wrote nothing.</summary>
    public bool IsEmpty => _buffer.Length == 0;

    /// <summary>Puts the real body back without sending what was held (the handler failed; the server answers).</summary>
    public void Release() => _context.Features.Set(_original);

    /// <summary>Puts the real body back and sends what was held.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        Release();
        if (_buffer.Length > 0)
        {
            await _original.Stream.WriteAsync(_buffer.GetBuffer().AsMemory(0, (int)_buffer.Length), cancellationToken);
        }
    }
}
