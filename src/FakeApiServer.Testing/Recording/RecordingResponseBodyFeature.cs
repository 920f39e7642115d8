using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace FakeApiServer.Testing.Recording;

/// <summary>The response body of a recorded request: the server's own, with what is written through it copied.</summary>
internal sealed class RecordingResponseBodyFeature(IHttpResponseBodyFeature prior, CapturedBody captured) : IHttpResponseBodyFeature
{
    private Stream? _stream;
    private PipeWriter? _writer;

    public Stream Stream => _stream ??= new TeeWriteStream(prior.Stream, captured);

    public PipeWriter Writer => _writer ??= new TeePipeWriter(prior.Writer, captured);

    public void DisableBuffering() => prior.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => prior.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        prior.SendFileAsync(path, offset, count, cancellationToken);

    public Task CompleteAsync() => prior.CompleteAsync();
}
