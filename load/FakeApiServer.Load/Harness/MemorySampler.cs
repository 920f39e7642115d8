namespace FakeApiServer.Load.Harness;

/// <summary>
/// Samples this process's resident set and managed heap every few milliseconds and keeps the peaks above the
/// baseline taken at start (the server runs in this process, so this is server plus a streaming client).
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly long _residentBaseline;
    private readonly long _managedBaseline;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _residentPeak;
    private long _managedPeak;
    private int _disposed;

    private MemorySampler(TimeProvider time)
    {
        _residentBaseline = _residentPeak = Environment.WorkingSet;
        _managedBaseline = _managedPeak = GC.GetTotalMemory(false);
        _loop = Task.Run(async () =>
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    Sample();
                    await Task.Delay(TimeSpan.FromMilliseconds(5), time, _stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        });
    }

    /// <summary>Peak resident growth in MiB.</summary>
    public double ResidentPeakMiB => (Volatile.Read(ref _residentPeak) - _residentBaseline) / 1048576.0;

    /// <summary>Peak managed heap growth in MiB.</summary>
    public double ManagedPeakMiB => (Volatile.Read(ref _managedPeak) - _managedBaseline) / 1048576.0;

    /// <summary>Collects garbage (so the baseline is live data), then starts sampling.</summary>
    public static MemorySampler Start(TimeProvider time)
    {
        SettleHeap();
        return new MemorySampler(time);
    }

    /// <summary>
    /// A full, compacting collection that also gives the freed memory back to the operating system (Aggressive): what
    /// remains is live, and the resident set is what the live data needs rather than what the collector kept committed.
    /// </summary>
    public static void SettleHeap()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // Disposed early to read the peaks, then again by `await using`.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Sample();
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private void Sample()
    {
        var resident = Environment.WorkingSet;
        var managed = GC.GetTotalMemory(false);
        if (resident > Volatile.Read(ref _residentPeak))
        {
            Volatile.Write(ref _residentPeak, resident);
        }

        if (managed > Volatile.Read(ref _managedPeak))
        {
            Volatile.Write(ref _managedPeak, managed);
        }
    }
}
