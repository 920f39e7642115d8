using System.Text;

namespace FakeApiServer.SimulatedContainers.Logs;

/// <summary>
/// The log of one run of a container (one container id: a restart is a new run), as the runtime's log file holds it:
/// lines in the order written, their times never going back, the oldest dropped once the run holds more than its cap
/// (the kubelet's containerLogMaxSize rotation). Writers are the simulated kubelet and the test fixture; readers
/// (pods/log) take a snapshot and, to follow, wait on <see cref="LogSnapshot.Changed"/>, which completes on the next
/// line or when the run <see cref="End">ends</see>. Thread-safe.
/// </summary>
internal sealed class ContainerRun
{
    private readonly object _gate = new();
    private readonly Queue<LogLine> _lines = new();
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private readonly long _maxBytes;
    private long _bytes;
    private long _next;
    private DateTimeOffset _last = DateTimeOffset.MinValue;
    private bool _ended;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ContainerRun(string containerId, long maxBytes)
    {
        ContainerId = containerId;
        _maxBytes = maxBytes;
    }

    /// <summary>The runtime's id of this run (containerd://...), as the pod's status reports it.</summary>
    public string ContainerId { get; }

    /// <summary>Whether the run is over (the container exited or its pod is gone): no line follows.</summary>
    public bool Ended
    {
        get
        {
            lock (_gate)
            {
                return _ended;
            }
        }
    }

    /// <summary>
    /// Appends <paramref name="text"/> at <paramref name="time"/> (never before the last line's time), one line per
    /// newline-separated part; a trailing newline ends the last line rather than starting an empty one.
    /// </summary>
    public void Append(DateTimeOffset time, string text)
    {
        var parts = text.Split('\n');
        var count = parts.Length > 1 && parts[^1].Length == 0 ? parts.Length - 1 : parts.Length;
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (time < _last)
            {
                time = _last;
            }

            _last = time;
            for (var i = 0; i < count; i++)
            {
                var line = parts[i].TrimEnd('\r');
                _lines.Enqueue(new LogLine(_next++, time, line));
                _bytes += Size(line);
            }

            while (_bytes > _maxBytes && _lines.Count > 1)
            {
                _bytes -= Size(_lines.Dequeue().Text);
            }

            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>
    /// Appends a line the simulated kubelet writes once per run, named by <paramref name="key"/>: false, writing
    /// nothing, when it was written before (its syncs are repeated and must not repeat lines).
    /// </summary>
    public bool AppendOnce(string key, DateTimeOffset time, string text)
    {
        lock (_gate)
        {
            if (!_written.Add(key))
            {
                return false;
            }
        }

        Append(time, text);
        return true;
    }

    /// <summary>Ends the run: followers get what is left and stop.</summary>
    public void End()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            changed = _changed;
        }

        changed.TrySetResult();
    }

    /// <summary>The lines after sequence number <paramref name="after"/> (-1: all kept), whether the run ended, and what completes on the next change.</summary>
    public LogSnapshot Read(long after)
    {
        lock (_gate)
        {
            return new LogSnapshot([.. _lines.Where(l => l.Sequence > after)], _ended, _changed.Task);
        }
    }

    /// <summary>A line's share of the cap: its bytes and newline, as in the log file.</summary>
    private static long Size(string line) => Encoding.UTF8.GetByteCount(line) + 1;
}

/// <summary>What a reader of a <see cref="ContainerRun"/> sees at one moment.</summary>
/// <param name="Lines">The lines asked for, oldest first.</param>
/// <param name="Ended">Whether the run is over: nothing follows <paramref name="Lines"/>.</param>
/// <param name="Changed">Completes when a line is appended or the run ends after this snapshot.</param>
internal sealed record LogSnapshot(IReadOnlyList<LogLine> Lines, bool Ended, Task Changed);
