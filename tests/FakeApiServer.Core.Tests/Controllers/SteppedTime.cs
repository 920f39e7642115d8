namespace FakeApiServer.Tests.Controllers;

/// <summary>The system clock plus an offset the test moves forward; timers fire when the offset passes their due time.</summary>
internal sealed class SteppedTime : TimeProvider
{
    private readonly List<(DateTimeOffset Due, Action Fire)> _timers = [];
    private readonly Lock _lock = new();
    private TimeSpan _offset;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;

    public void Advance(TimeSpan by)
    {
        List<Action> due;
        lock (_lock)
        {
            _offset += by;
            var now = GetUtcNow();
            due = _timers.Where(t => t.Due <= now).Select(t => t.Fire).ToList();
            _timers.RemoveAll(t => t.Due <= now);
        }

        foreach (var fire in due)
        {
            fire();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new Timer(this, callback, state, dueTime, period);

    private sealed class Timer : ITimer
    {
        private readonly SteppedTime _time;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private TimeSpan _period;
        private bool _disposed;

        public Timer(SteppedTime time, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _time = time;
            _callback = callback;
            _state = state;
            Change(dueTime, period);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                lock (_time._lock)
                {
                    _time._timers.Add((_time.GetUtcNow() + dueTime, Fire));
                }
            }

            return true;
        }

        public void Dispose() => _disposed = true;

        public ValueTask DisposeAsync()
        {
            _disposed = true;
            return ValueTask.CompletedTask;
        }

        private void Fire()
        {
            if (_disposed)
            {
                return;
            }

            _callback(_state);
            if (_period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan)
            {
                Change(_period, _period);
            }
        }
    }
}
