using System.Diagnostics;
using System.Diagnostics.Metrics;
using FakeApiServer.Registry;

namespace FakeApiServer.Observability.Metrics;

/// <summary>
/// The watch stream's metrics, counted by the watch verb as it writes: apiserver_watch_events_total and
/// apiserver_watch_events_sizes (upstream's endpoints/metrics, by group, version and resource; the size is the encoded
/// object's), and apiserver_registered_watchers (by group, version and kind), which upstream removed in 1.25 and which
/// apiserver_longrunning_requests{verb="WATCH"} replaces there; kept because dashboards older than that read it.
/// </summary>
internal sealed class WatchMetrics
{
    public const string MeterName = ServerMetrics.MeterPrefix + "Watch";

    /// <summary>Upstream's watch event size buckets: 1 KiB to 128 KiB, doubling (ExponentialBuckets(1024, 2, 8)).</summary>
    private static readonly double[] SizeBuckets = [1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072];

    private readonly Counter<long> _events;
    private readonly Histogram<double> _sizes;
    private readonly UpDownCounter<long> _watchers;

    public WatchMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _events = meter.CreateCounter<long>("apiserver_watch_events_total", description: "[BETA] Number of events sent in watch clients");
        _sizes = meter.CreateHistogram<double>(
            "apiserver_watch_events_sizes", unit: null, description: "[BETA] Watch event size distribution in bytes", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SizeBuckets });
        _watchers = meter.CreateUpDownCounter<long>(
            "apiserver_registered_watchers", description: "[ALPHA] Number of currently registered watchers for a given resources");
    }

    /// <summary>Counts a watcher of <paramref name="definition"/> until the returned handle is disposed.</summary>
    public Registration Register(ResourceDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var tags = new TagList { { "group", definition.Group }, { "version", definition.Version }, { "kind", definition.Kind } };
        _watchers.Add(1, tags);
        return new Registration(_watchers, tags);
    }

    /// <summary>Counts one event of <paramref name="size"/> bytes sent to a watcher of <paramref name="definition"/>.</summary>
    public void EventSent(ResourceDefinition definition, int size)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var tags = new TagList { { "group", definition.Group }, { "version", definition.Version }, { "resource", definition.Plural } };
        _events.Add(1, tags);
        _sizes.Record(size, tags);
    }

    /// <summary>One registered watcher; disposing it unregisters it.</summary>
    public readonly struct Registration(UpDownCounter<long> watchers, TagList tags) : IDisposable
    {
        public void Dispose() => watchers?.Add(-1, tags);
    }
}
