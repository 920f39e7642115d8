namespace FakeApiServer.Storage;

/// <summary>
/// The durable log failed, not the caller: it cannot be opened (a corrupt or unreadable database file) or a
/// commit failed (disk full, read-only file system). The message says which and why, on one line; the store
/// itself is unchanged and keeps serving reads, and a later write succeeds once the cause is gone.
/// </summary>
public sealed class StorageException : Exception
{
    /// <summary>Creates the error with its one-line message and the underlying failure.</summary>
    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the error with its one-line message.</summary>
    public StorageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error without a message (for serializers and analyzers).</summary>
    public StorageException()
    {
    }
}
