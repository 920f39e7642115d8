using HdrHistogram;

namespace FakeApiServer.Load.Harness;

/// <summary>What one load test measured, as NBomber reports a scenario: counts, rate, latency percentiles, errors, bytes.</summary>
internal sealed record LoadStats
{
    /// <summary>The load test's name.</summary>
    public required string Name { get; init; }

    /// <summary>The load model, as text.</summary>
    public required string Model { get; init; }

    /// <summary>Requests completed in the measured period.</summary>
    public required long Requests { get; init; }

    /// <summary>Requests that failed (neither 2xx nor an expected status).</summary>
    public required long Errors { get; init; }

    /// <summary>The measured period in seconds.</summary>
    public required double Seconds { get; init; }

    /// <summary>Requests per second.</summary>
    public double Rps => Seconds > 0 ? Requests / Seconds : 0;

    /// <summary>Latency percentiles and maximum in milliseconds.</summary>
    public required double P50 { get; init; }

    /// <inheritdoc cref="P50"/>
    public required double P75 { get; init; }

    /// <inheritdoc cref="P50"/>
    public double P90 { get; init; }

    /// <inheritdoc cref="P50"/>
    public required double P95 { get; init; }

    /// <inheritdoc cref="P50"/>
    public required double P99 { get; init; }

    /// <inheritdoc cref="P50"/>
    public double P999 { get; init; }

    /// <inheritdoc cref="P50"/>
    public required double Max { get; init; }

    /// <summary>Processor time of the server's process and of this (client) process over the measured period, when the test could read the server's.</summary>
    public CpuUsage? Cpu { get; init; }

    /// <summary>The server process's CPU milliseconds per completed request (NaN when not measured).</summary>
    public double ServerCpuMsPerRequest => Cpu is { } c && Requests > 0 ? c.ServerMs / Requests : double.NaN;

    /// <summary>This (client) process's CPU milliseconds per completed request (NaN when the server's was not measured apart).</summary>
    public double ClientCpuMsPerRequest => Cpu is { } c && Requests > 0 ? c.ClientMs / Requests : double.NaN;

    /// <summary>Response bytes received.</summary>
    public required long Bytes { get; init; }

    /// <summary>Failed requests by status code or exception type.</summary>
    public required IReadOnlyDictionary<string, long> ErrorsByStatus { get; init; }

    /// <summary>Open model with a window: p99 (ms) and requests per window, in order.</summary>
    public IReadOnlyList<WindowStats> Windows { get; init; } = [];

    /// <summary>Builds the statistics from a histogram of microseconds.</summary>
    public static LoadStats From(
        string name, string model, HistogramBase microseconds, long errors, double seconds, long bytes,
        IReadOnlyDictionary<string, long> errorsByStatus, IReadOnlyList<WindowStats>? windows = null, CpuUsage? cpu = null)
    {
        ArgumentNullException.ThrowIfNull(microseconds);
        var empty = microseconds.TotalCount == 0;
        double At(double percentile) => empty ? 0 : microseconds.GetValueAtPercentile(percentile) / 1000.0;
        return new LoadStats
        {
            Name = name,
            Model = model,
            Requests = microseconds.TotalCount,
            Errors = errors,
            Seconds = seconds,
            P50 = At(50),
            P75 = At(75),
            P90 = At(90),
            P95 = At(95),
            P99 = At(99),
            P999 = At(99.9),
            Max = empty ? 0 : microseconds.GetMaxValue() / 1000.0,
            Bytes = bytes,
            ErrorsByStatus = errorsByStatus,
            Windows = windows ?? [],
            Cpu = cpu,
        };
    }
}

/// <summary>The latency of one window of an open-model test.</summary>
/// <param name="StartSeconds">Seconds from the start of the measurement.</param>
/// <param name="Requests">Requests started in the window.</param>
/// <param name="P99">The window's p99 latency in milliseconds.</param>
internal sealed record WindowStats(double StartSeconds, long Requests, double P99);

/// <summary>Processor time used during a measured period.</summary>
/// <param name="ServerMs">The server's process (a child process, or etcd), milliseconds.</param>
/// <param name="ClientMs">This process (the load generator), milliseconds.</param>
internal sealed record CpuUsage(double ServerMs, double ClientMs);
