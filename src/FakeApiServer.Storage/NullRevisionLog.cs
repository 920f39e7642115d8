namespace FakeApiServer.Storage;

/// <summary>The log of an in-memory store: keeps nothing, so a restart starts empty and no file is written.</summary>
internal sealed class NullRevisionLog : IRevisionLog
{
    public RestoredLog Load(int historyWindow) => RestoredLog.Empty;

    public void Append(IReadOnlyList<WatchEvent> events, long compactedRevision)
    {
    }

    public void Dispose()
    {
    }
}
