namespace FakeApiServer.Testing;

/// <summary>
/// A clock a test moves: it runs with the system clock (so the server's short waits, such as a controller's 5 ms
/// back-off, pass by themselves) plus an offset that <see cref="Advance"/> adds to, firing at once every timer that
/// the jump makes due (CronJob schedules, grace periods, lease expiry, back-offs, watch timeouts). Give it to
/// <see cref="FakeClusterOptions.TimeProvider"/> and reach it as <see cref="FakeCluster.Clock"/>.
/// <code>
/// await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { TimeProvider = new FakeClusterClock() }, ct);
/// cluster.Clock.Advance(TimeSpan.FromMinutes(5));
/// </code>
/// </summary>
public sealed class FakeClusterClock : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly HashSet<ClockTimer> _timers = [];
    private long _offsetTicks;

    /// <summary>How far the clock has been moved ahead of the system clock.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <inheritdoc/>
    public override long GetTimestamp() => System.GetTimestamp() + (long)(Offset.Ticks * ((double)TimestampFrequency / TimeSpan.TicksPerSecond));

    /// <summary>Moves the clock forward; timers that fall due meanwhile fire now, in due order.</summary>
    /// <param name="by">How far; not negative.</param>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, by.Ticks);
        ClockTimer[] timers;
        lock (_lock)
        {
            timers = [.. _timers];
        }

        foreach (var timer in timers.OrderBy(t => t.Due))
        {
            timer.Rearm();
        }
    }

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ClockTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    private void Forget(ClockTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    /// <summary>A timer due at a time of this clock, waiting on a system timer for the rest of the way.</summary>
    private sealed class ClockTimer : ITimer
    {
        private readonly FakeClusterClock _clock;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private readonly ITimer _inner;
        private readonly Lock _lock = new();
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private bool _disposed;

        public ClockTimer(FakeClusterClock clock, TimerCallback callback, object? state)
        {
            _clock = clock;
            _callback = callback;
            _state = state;
            _inner = System.CreateTimer(static t => ((ClockTimer)t!).OnInner(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        /// <summary>When the timer fires next, by its clock; MaxValue when it is not armed.</summary>
        public DateTimeOffset Due { get; private set; } = DateTimeOffset.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_lock)
            {
                if (_disposed)
                {
                    return false;
                }

                _period = period;
                Due = dueTime == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : _clock.GetUtcNow() + dueTime;
                Arm();
                return true;
            }
        }

        /// <summary>The clock jumped: wait what is left, which may be nothing.</summary>
        public void Rearm()
        {
            lock (_lock)
            {
                if (!_disposed && Due != DateTimeOffset.MaxValue)
                {
                    Arm();
                }
            }
        }

        public void Dispose()
        {
            lock (_lock)
            {
                _disposed = true;
            }

            _inner.Dispose();
            _clock.Forget(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void Arm()
        {
            if (Due == DateTimeOffset.MaxValue)
            {
                _inner.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                return;
            }

            var left = Due - _clock.GetUtcNow();
            _inner.Change(left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }

        private void OnInner()
        {
            lock (_lock)
            {
                if (_disposed || Due == DateTimeOffset.MaxValue)
                {
                    return;
                }

                if (_clock.GetUtcNow() < Due)
                {
                    // The system timer came back a little early: wait the rest.
                    Arm();
                    return;
                }

                Due = _period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan ? Due + _period : DateTimeOffset.MaxValue;
                Arm();
            }

            _callback(_state);
        }
    }
}
