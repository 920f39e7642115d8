using System.Net;

namespace FakeApiServer.Tests.Security.Limits;

/// <summary>
/// A request body that sends its first bytes, then waits until <see cref="Release"/>: the server is left reading it, so
/// the request stays in flight as long as the test wants.
/// </summary>
internal sealed class HeldRequestBody : HttpContent
{
    private static readonly byte[] Head = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","u8.ToArray();
    private static readonly byte[] Tail = "\"metadata\":{\"generateName\":\"held-\"}}"u8.ToArray();

    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly bool _announceLength;

    /// <param name="announceLength">Whether the request announces the body's length (Content-Length) rather than streaming it.</param>
    public HeldRequestBody(bool announceLength = false)
    {
        _announceLength = announceLength;
        Headers.ContentType = new("application/json");
    }

    /// <summary>Completes once the first bytes went out.</summary>
    public Task Sent => _sent.Task;

    /// <summary>Lets the body finish (with bytes that make a valid ConfigMap).</summary>
    public void Release() => _released.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Head, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        _sent.TrySetResult();
        await _released.Task.WaitAsync(cancellationToken);
        await stream.WriteAsync(Tail, cancellationToken);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = _announceLength ? Head.Length + Tail.Length : 0;
        return _announceLength;
    }
}
