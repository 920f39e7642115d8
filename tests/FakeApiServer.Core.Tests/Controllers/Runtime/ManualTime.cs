namespace FakeApiServer.Tests.Controllers.Runtime;

/// <summary>
/// A clock that stands still until the test moves it (unlike <see cref="SteppedTime"/>, which follows the system clock
/// plus an offset), and shows its waiting timers: a test waits for the next timer to be set instead of sleeping, and
/// reads how long it is set for.
/// </summary>
internal sealed class ManualTime : TimeProvider
{
    private readonly List<(DateTimeOffset Due, Action Fire, object Owner)> _timers = [];
    private readonly Lock _lock = new();
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private TaskCompletionSource _timerSet = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>How long each waiting timer still has to go, shortest first.</summary>
    public IReadOnlyList<TimeSpan> Waiting
    {
        get
        {
            lock (_lock)
            {
                return [.. _timers.Select(t => t.Due - _now).Order()];
            }
        }
    }

    /// <summary>Waits until a timer is waiting, and returns how long the shortest still has to go.</summary>
    public async Task<TimeSpan> NextTimerAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task set;
            lock (_lock)
            {
                if (_timers.Count > 0)
                {
                    return _timers.Min(t => t.Due) - _now;
                }

                set = _timerSet.Task;
            }

            await set.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Moves the clock on and fires the timers that are due by then, in due order.</summary>
    public void Advance(TimeSpan by)
    {
        List<Action> due;
        lock (_lock)
        {
            _now += by;
            var now = _now;
            due = [.. _timers.Where(t => t.Due <= now).OrderBy(t => t.Due).Select(t => t.Fire)];
            _timers.RemoveAll(t => t.Due <= now);
        }

        foreach (var fire in due)
        {
            fire();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ManualTimer(this, callback, state, dueTime, period);

    private void Set(ManualTimer owner, TimeSpan dueTime, Action fire)
    {
        TaskCompletionSource set;
        lock (_lock)
        {
            _timers.RemoveAll(t => t.Owner == owner);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return;
            }

            _timers.Add((_now + dueTime, fire, owner));
            set = _timerSet;
            _timerSet = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        set.TrySetResult();
    }

    private void Cancel(ManualTimer owner)
    {
        lock (_lock)
        {
            _timers.RemoveAll(t => t.Owner == owner);
        }
    }

    private sealed class ManualTimer : ITimer
    {
        private readonly ManualTime _time;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private TimeSpan _period;

        public ManualTimer(ManualTime time, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _time = time;
            _callback = callback;
            _state = state;
            Change(dueTime, period);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            _time.Set(this, dueTime, Fire);
            return true;
        }

        public void Dispose() => _time.Cancel(this);

        public ValueTask DisposeAsync()
        {
            _time.Cancel(this);
            return ValueTask.CompletedTask;
        }

        private void Fire()
        {
            if (_period > TimeSpan.Zero && _period != Timeout.InfiniteTimeSpan)
            {
                _time.Set(this, _period, Fire);
            }

            _callback(_state);
        }
    }
}
