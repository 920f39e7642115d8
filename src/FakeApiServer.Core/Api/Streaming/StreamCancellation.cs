namespace FakeApiServer.Api.Streaming;

/// <summary>Ends a connection's work: cancels a source that the connection's own teardown may already have disposed.</summary>
internal static class StreamCancellation
{
    public static void TryCancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already torn down.
        }
    }

    /// <summary>Cancels <paramref name="source"/> once <paramref name="connection"/> ends (the client left).</summary>
    public static void CancelWhenDone(Task connection, CancellationTokenSource source) =>
        _ = connection.ContinueWith(_ => TryCancel(source), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
