using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Testing;

/// <summary>
/// A logger provider that keeps every line a server logs, with its structured values, for tests of the server's own
/// log (the request log); <see cref="WaitForAsync"/> waits for a line without polling.
/// </summary>
internal sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();
    private readonly Lock _lock = new();
    private readonly List<(Func<LogLine, bool> Match, TaskCompletionSource<LogLine> Found)> _waiting = [];

    /// <summary>The lines so far, in the order they were logged.</summary>
    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The first line that matches, logged already or when it comes.</summary>
    public async Task<LogLine> WaitForAsync(Func<LogLine, bool> match, CancellationToken cancellationToken)
    {
        var found = new TaskCompletionSource<LogLine>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            _waiting.Add((match, found));
        }

        return await found.Task.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
    }

    private void Add(LogLine line)
    {
        lock (_lock)
        {
            _lines.Enqueue(line);
            foreach (var waiting in _waiting.Where(w => w.Match(line)).ToList())
            {
                _waiting.Remove(waiting);
                waiting.Found.TrySetResult(line);
            }
        }
    }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            log.Add(new LogLine(category, logLevel, eventId.Id, formatter(state, exception), values.ToDictionary(v => v.Key, v => v.Value)));
        }
    }
}

/// <summary>One captured line: its category, level, event ID, text and structured values.</summary>
internal sealed record LogLine(string Category, LogLevel Level, int EventId, string Message, IReadOnlyDictionary<string, object?> Values);
