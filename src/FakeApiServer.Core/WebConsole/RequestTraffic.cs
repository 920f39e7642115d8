using System.Threading.Channels;
using FakeApiServer.Observability;

namespace FakeApiServer.WebConsole;

/// <summary>
/// The API traffic the console shows: while at least one page is connected it observes the host's
/// <see cref="RequestFeed"/>, keeps the latest requests in a bounded ring and hands each new one to every connected
/// page. With no page connected it is not subscribed at all, so the request path pays nothing for it.
/// </summary>
internal sealed class RequestTraffic : IRequestObserver
{
    /// <summary>Requests kept for a page that connects (the "latest requests" it starts with).</summary>
    public const int RingSize = 500;

    /// <summary>Requests queued for one page before the oldest are dropped (a page that stopped reading never holds the server up).</summary>
    private const int PageQueue = 2_000;

    private readonly RequestFeed _feed;
    private readonly Lock _lock = new();
    private readonly Queue<TrafficEntry> _ring = new(RingSize);
    private readonly List<Channel<TrafficEntry>> _pages = [];
    private IDisposable? _subscription;
    private long _sequence;

    public RequestTraffic(RequestFeed feed) => _feed = feed;

    /// <summary>Whether a page is connected (and so the feed observed).</summary>
    public bool Observing
    {
        get
        {
            lock (_lock)
            {
                return _subscription is not null;
            }
        }
    }

    /// <summary>
    /// Connects a page: it is sent the kept requests whose sequence is after <paramref name="after"/>, then every new one,
    /// until the returned connection is disposed. The first page subscribes to the feed.
    /// </summary>
    public TrafficConnection Connect(long after)
    {
        var channel = Channel.CreateBounded<TrafficEntry>(new BoundedChannelOptions(PageQueue)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_lock)
        {
            foreach (var entry in _ring.Where(e => e.Sequence > after))
            {
                channel.Writer.TryWrite(entry);
            }

            _pages.Add(channel);
            _subscription ??= _feed.Subscribe(this);
        }

        return new TrafficConnection(channel.Reader, () => Disconnect(channel));
    }

    private void Disconnect(Channel<TrafficEntry> channel)
    {
        IDisposable? unsubscribe = null;
        lock (_lock)
        {
            _pages.Remove(channel);
            if (_pages.Count == 0)
            {
                unsubscribe = _subscription;
                _subscription = null;
                // What was seen while someone watched is not kept for the next page: nothing is recorded unobserved either.
                _ring.Clear();
            }
        }

        channel.Writer.TryComplete();
        unsubscribe?.Dispose();
    }

    public void OnCompleted(CompletedRequest request)
    {
        lock (_lock)
        {
            if (_subscription is null)
            {
                return;
            }

            var entry = new TrafficEntry(++_sequence, request);
            if (_ring.Count == RingSize)
            {
                _ring.Dequeue();
            }

            _ring.Enqueue(entry);
            foreach (var page in _pages)
            {
                page.Writer.TryWrite(entry);
            }
        }
    }
}

/// <summary>One observed request and its place in the console's sequence.</summary>
internal sealed record TrafficEntry(long Sequence, CompletedRequest Request);

/// <summary>One connected page's requests; disposing it disconnects the page.</summary>
internal sealed class TrafficConnection(ChannelReader<TrafficEntry> entries, Action disconnect) : IDisposable
{
    private int _disposed;

    public ChannelReader<TrafficEntry> Entries { get; } = entries;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            disconnect();
        }
    }
}
