namespace FakeApiServer.Observability;

/// <summary>
/// The server's requests, handed to whoever observes them (one per host). Subscribing is copy-on-write, so publishing
/// reads one array without a lock; with no observer, a request costs one array read.
/// </summary>
public sealed class RequestFeed
{
    private IRequestObserver[] _observers = [];

    /// <summary>The current observers.</summary>
    public IReadOnlyList<IRequestObserver> Observers => Volatile.Read(ref _observers);

    /// <summary>Adds an observer until the returned handle is disposed.</summary>
    public IDisposable Subscribe(IRequestObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        Update(current => [.. current, observer]);
        return new Subscription(this, observer);
    }

    private void Update(Func<IRequestObserver[], IRequestObserver[]> change)
    {
        while (true)
        {
            var current = Volatile.Read(ref _observers);
            if (Interlocked.CompareExchange(ref _observers, change(current), current) == current)
            {
                return;
            }
        }
    }

    private sealed class Subscription(RequestFeed feed, IRequestObserver observer) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                feed.Update(current => [.. current.Where(o => !ReferenceEquals(o, observer))]);
            }
        }
    }
}
