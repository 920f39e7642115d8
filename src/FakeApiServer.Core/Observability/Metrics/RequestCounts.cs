using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace FakeApiServer.Observability.Metrics;

/// <summary>
/// apiserver_request_total counted here, one counter per label set, and handed to OpenTelemetry through an observable
/// counter when /metrics is scraped. Counting through a <see cref="Counter{T}"/> made OpenTelemetry copy the request's
/// nine labels into arrays, hash the names and values and find the series on every request (about 1.3% of a GET's CPU
/// in perf); here a request finds its series by a struct key of its label values and adds one to it. The exported
/// series are the same: name, description, labels, values and the order in which series first appeared.
/// </summary>
internal sealed class RequestCounts
{
    /// <summary>How many label sets are kept apart, as OpenTelemetry's default cardinality limit; the rest are counted together.</summary>
    public const int SeriesLimit = 2000;

    /// <summary>The label OpenTelemetry gives the series that counts measurements over its limit.</summary>
    private static readonly KeyValuePair<string, object?> OverflowTag = new("otel.metric.overflow", true);

    private readonly ConcurrentDictionary<SeriesKey, Series> _byLabels = new();

    // In the order the series first appeared, as OpenTelemetry's aggregation lists them. Appended under the lock.
    private readonly List<Series> _inOrder = [];
    private readonly Lock _adding = new();
    private long _overflow;

    public RequestCounts(Meter meter, string name, string description)
    {
        ArgumentNullException.ThrowIfNull(meter);
        meter.CreateObservableCounter(name, Observe, unit: null, description: description);
    }

    /// <summary>One more request with these labels and this code.</summary>
    public void Add(in RequestLabels labels, string code)
    {
        if (!_byLabels.TryGetValue(new SeriesKey(labels, code), out var series))
        {
            series = AddSeries(labels, code);
            if (series is null)
            {
                Interlocked.Increment(ref _overflow);
                return;
            }
        }

        series.Increment();
    }

    private Series? AddSeries(RequestLabels labels, string code)
    {
        lock (_adding)
        {
            var key = new SeriesKey(labels, code);
            if (_byLabels.TryGetValue(key, out var existing))
            {
                return existing;
            }

            if (_inOrder.Count >= SeriesLimit)
            {
                return null;
            }

            var series = new Series(labels.Tags(code));
            _inOrder.Add(series);
            _byLabels[key] = series;
            return series;
        }
    }

    private List<Measurement<long>> Observe()
    {
        lock (_adding)
        {
            var measurements = new List<Measurement<long>>(_inOrder.Count + 1);
            foreach (var series in _inOrder)
            {
                measurements.Add(new Measurement<long>(series.Count, series.Tags));
            }

            if (Volatile.Read(ref _overflow) is > 0 and var overflow)
            {
                measurements.Add(new Measurement<long>(overflow, OverflowTag));
            }

            return measurements;
        }
    }

    private readonly record struct SeriesKey(RequestLabels Labels, string Code);

    private sealed class Series(RequestLabels.SeriesTags tags)
    {
        private long _count;

        public long Count => Volatile.Read(ref _count);

        public KeyValuePair<string, object?>[] Tags { get; } = ((ReadOnlySpan<KeyValuePair<string, object?>>)tags).ToArray();

        public void Increment() => Interlocked.Increment(ref _count);
    }
}
