using FakeApiServer.Load.Ceilings;

namespace FakeApiServer.Load.Harness;

/// <summary>A ceiling served by this program started again as a child process (<see cref="CeilingServer"/>).</summary>
internal sealed class CeilingProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private CeilingProcess(ChildProcess process, Uri baseAddress)
    {
        _process = process;
        Http = HttpDriver.Create(baseAddress);
    }

    /// <summary>The raw HTTP driver.</summary>
    public HttpClient Http { get; }

    /// <summary>The child's processor time so far.</summary>
    public TimeSpan ProcessorTime => _process.ProcessorTime;

    /// <summary>Starts `dotnet FakeApiServer.Load.dll --serve-ceiling name workDir` and waits for its URL.</summary>
    public static async Task<CeilingProcess> StartAsync(string name, string workDir, CancellationToken cancellationToken)
    {
        var process = ChildProcess.Start(typeof(CeilingProcess).Assembly.Location, CeilingServer.Argument, name, workDir);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            return new CeilingProcess(process, await process.UrlAsync(timeout.Token));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync();
    }
}
