namespace FakeApiServer.Controllers.Runtime;

/// <summary>
/// A controller's work queue, as client-go's rate-limited workqueue: a key added while it waits is queued once;
/// a key is never processed by two workers at once, and one added while it is processed is processed again after
/// <see cref="Done"/>; <see cref="AddAfter"/> and <see cref="AddRateLimited"/> wait on the TimeProvider, so a test
/// drives back-off with a fake clock.
/// </summary>
/// <typeparam name="TKey">The key type (e.g. a <see cref="NamespacedName"/>).</typeparam>
internal sealed class RateLimitingQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, DateTimeOffset> _delayed = [];
    private readonly SemaphoreSlim _ready = new(0);
    private readonly CancellationTokenSource _shutDown = new();
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly IRateLimiter<TKey> _limiter;

    /// <param name="time">The clock delays wait on.</param>
    /// <param name="limiter">The back-off of <see cref="AddRateLimited"/>; <see cref="RateLimiters.DefaultController{TKey}"/> when null.</param>
    public RateLimitingQueue(TimeProvider time, IRateLimiter<TKey>? limiter = null)
    {
        _time = time;
        _limiter = limiter ?? RateLimiters.DefaultController<TKey>(time);
    }

    /// <summary>The workqueue_* recorder of this queue, or null when metrics are off; the queue disposes it.</summary>
    public WorkqueueMetrics.Queue<TKey>? Metrics { get; init; }

    /// <summary>The number of keys waiting to be processed (not those processing or delayed).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="key"/> unless it is already waiting; a key being processed is queued again when it is done.</summary>
    public void Add(TKey key)
    {
        lock (_lock)
        {
            if (_shutDown.IsCancellationRequested || !_dirty.Add(key))
            {
                return;
            }

            Metrics?.Added(key);
            if (_processing.Contains(key))
            {
                return;
            }

            _queue.Enqueue(key);
        }

        _ready.Release();
    }

    /// <summary>Queues <paramref name="key"/> after <paramref name="delay"/>; of several delays for one key the earliest wins.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        AddAt(key, _time.GetUtcNow() + delay);
    }

    /// <summary>
    /// Queues <paramref name="key"/> when the clock reaches <paramref name="due"/>; of several times for one key the
    /// earliest wins. The wait is measured from the clock's time when it starts, so a clock moved on while a reconcile
    /// computed <paramref name="due"/> does not make the key late.
    /// </summary>
    public void AddAt(TKey key, DateTimeOffset due)
    {
        lock (_lock)
        {
            if (_shutDown.IsCancellationRequested || (_delayed.TryGetValue(key, out var earlier) && earlier <= due))
            {
                return;
            }

            _delayed[key] = due;
        }

        _ = AddWhenDueAsync(key, due);
    }

    /// <summary>Queues <paramref name="key"/> after its rate limiter's back-off: one more failure of the key.</summary>
    public void AddRateLimited(TKey key)
    {
        Metrics?.Retried();
        AddAfter(key, _limiter.When(key));
    }

    /// <summary>Ends the back-off of <paramref name="key"/> (it succeeded); it does not remove a queued key.</summary>
    public void Forget(TKey key) => _limiter.Forget(key);

    /// <summary>How many times <paramref name="key"/> was re-added through <see cref="AddRateLimited"/> since it was forgotten.</summary>
    public int NumRequeues(TKey key) => _limiter.NumRequeues(key);

    /// <summary>
    /// Waits for the next key and marks it as processing; the caller must call <see cref="Done"/> with it.
    /// Throws <see cref="OperationCanceledException"/> when cancelled or shut down.
    /// </summary>
    public async Task<TKey> GetAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutDown.Token);
        await _ready.WaitAsync(linked.Token);
        lock (_lock)
        {
            var key = _queue.Dequeue();
            _dirty.Remove(key);
            _processing.Add(key);
            Metrics?.Taken(key);
            return key;
        }
    }

    /// <summary>Ends the processing of <paramref name="key"/>; if it was added meanwhile, it is queued again.</summary>
    public void Done(TKey key)
    {
        lock (_lock)
        {
            Metrics?.Done(key);
            _processing.Remove(key);
            if (!_dirty.Contains(key) || _shutDown.IsCancellationRequested)
            {
                return;
            }

            _queue.Enqueue(key);
        }

        _ready.Release();
    }

    /// <summary>
    /// Runs <paramref name="workers"/> workers that call <paramref name="process"/> for each key (and then
    /// <see cref="Done"/>) until cancelled; returns normally then.
    /// </summary>
    public Task RunAsync(int workers, Func<TKey, CancellationToken, Task> process, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(_ => WorkAsync(process, cancellationToken)));

    /// <summary>Stops the queue: waiting workers return, delayed keys are dropped, adds are ignored.</summary>
    public void ShutDown() => _shutDown.Cancel();

    public void Dispose()
    {
        _shutDown.Cancel();
        _shutDown.Dispose();
        _ready.Dispose();
        Metrics?.Dispose();
    }

    private async Task WorkAsync(Func<TKey, CancellationToken, Task> process, CancellationToken cancellationToken)
    {
        // Off the caller's thread, so several workers start at once.
        await Task.Yield();
        while (true)
        {
            TKey key;
            try
            {
                key = await GetAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await process(key, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            finally
            {
                Done(key);
            }
        }
    }

    private async Task AddWhenDueAsync(TKey key, DateTimeOffset due)
    {
        try
        {
            var wait = due - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, _shutDown.Token);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        lock (_lock)
        {
            // A later, earlier-due AddAfter replaced this one: it adds the key itself.
            if (!_delayed.TryGetValue(key, out var current) || current != due)
            {
                return;
            }

            _delayed.Remove(key);
        }

        Add(key);
    }
}
