using System.Net;

namespace FakeApiServer.Tests.Security.Limits;

/// <summary>
/// A request body that sends its first bytes, then waits until <see cref="Release"/>: the server is left reading it, so
/// the request stays in flight as long as the test wants.
/// </summary>
internal sealed class HeldRequestBody : HttpContent
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HeldRequestBody() => Headers.ContentType = new("application/json");

    /// <summary>Completes once the first bytes went out.</summary>
    public Task Sent => _sent.Task;

    /// <summary>Lets the body finish (with bytes that make a valid ConfigMap).</summary>
    public void Release() => _released.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","u8.ToArray(), cancellationToken);
        await stream.FlushAsync(cancellationToken);
        _sent.TrySetResult();
        await _released.Task.WaitAsync(cancellationToken);
        await stream.WriteAsync("\"metadata\":{\"generateName\":\"held-\"}}"u8.ToArray(), cancellationToken);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
