using HdrHistogram;

namespace FakeApiServer.Load.Harness;

/// <summary>Latency histograms in microseconds, from one microsecond to ten minutes, three significant digits.</summary>
internal static class Latency
{
    private const long HighestMicroseconds = 600_000_000;

    /// <summary>A new histogram (not thread-safe: one per user or guarded by a lock).</summary>
    public static LongHistogram NewHistogram() => new(HighestMicroseconds, 3);

    /// <summary>Records the time between two <see cref="TimeProvider"/> timestamps.</summary>
    public static void Record(HistogramBase histogram, TimeProvider time, long startTimestamp, long endTimestamp)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        ArgumentNullException.ThrowIfNull(time);
        var micros = (long)time.GetElapsedTime(startTimestamp, endTimestamp).TotalMicroseconds;
        histogram.RecordValue(Math.Clamp(micros, 0, HighestMicroseconds));
    }
}
