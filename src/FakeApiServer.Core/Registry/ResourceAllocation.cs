namespace FakeApiServer.Registry;

/// <summary>
/// What an <see cref="IResourceAllocator"/> did for one write: the field errors (a full range, a value in use or out
/// of range), and the values it holds for the write until disposed.
/// </summary>
internal sealed class ResourceAllocation : IDisposable
{
    private Action? _release;

    public ResourceAllocation(IReadOnlyList<FieldError> errors, Action? release)
    {
        Errors = errors;
        _release = release;
    }

    /// <summary>Nothing allocated, nothing held.</summary>
    public static ResourceAllocation None { get; } = new([], null);

    public IReadOnlyList<FieldError> Errors { get; }

    /// <summary>Lets the held values go: the committed object now holds them in the store, or the write failed.</summary>
    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
