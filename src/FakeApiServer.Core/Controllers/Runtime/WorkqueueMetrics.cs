using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FakeApiServer.Controllers.Runtime;

/// <summary>
/// client-go's workqueue metrics (component-base metrics/prometheus/workqueue), labelled with the queue's name (the
/// controller's --controllers name): workqueue_adds_total, workqueue_depth, workqueue_queue_duration_seconds,
/// workqueue_work_duration_seconds, workqueue_unfinished_work_seconds, workqueue_longest_running_processor_seconds and
/// workqueue_retries_total. One per host; each <see cref="RateLimitingQueue{TKey}"/> records through its own <see cref="Queue{TKey}"/>.
/// </summary>
internal sealed class WorkqueueMetrics
{
    public const string MeterName = Observability.Metrics.ServerMetrics.MeterPrefix + "Workqueue";

    /// <summary>Upstream's buckets: 10 ns to 10 s by tens (ExponentialBuckets(10e-9, 10, 10)).</summary>
    private static readonly double[] Buckets = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10];

    private readonly TimeProvider _time;
    private readonly Counter<long> _adds;
    private readonly UpDownCounter<long> _depth;
    private readonly Histogram<double> _queueDuration;
    private readonly Histogram<double> _workDuration;
    private readonly Counter<long> _retries;
    private readonly ConcurrentDictionary<IProcessing, byte> _queues = new();

    public WorkqueueMetrics(IMeterFactory meters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _time = time;
        var meter = meters.Create(MeterName);
        _adds = meter.CreateCounter<long>("workqueue_adds_total", description: "[ALPHA] Total number of adds handled by workqueue");
        _depth = meter.CreateUpDownCounter<long>("workqueue_depth", description: "[ALPHA] Current depth of workqueue");
        _queueDuration = meter.CreateHistogram<double>(
            "workqueue_queue_duration_seconds", unit: null, description: "[ALPHA] How long in seconds an item stays in workqueue before being requested.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
        _workDuration = meter.CreateHistogram<double>(
            "workqueue_work_duration_seconds", unit: null, description: "[ALPHA] How long in seconds processing an item from workqueue takes.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
        _retries = meter.CreateCounter<long>("workqueue_retries_total", description: "[ALPHA] Total number of retries handled by workqueue");
        meter.CreateObservableGauge(
            "workqueue_unfinished_work_seconds", () => Processing(longest: false), unit: null,
            description: "[ALPHA] How many seconds of work has done that is in progress and hasn't been observed by work_duration. Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.");
        meter.CreateObservableGauge(
            "workqueue_longest_running_processor_seconds", () => Processing(longest: true), unit: null,
            description: "[ALPHA] How many seconds has the longest running processor for workqueue been running.");
    }

    /// <summary>The recorder of the queue named <paramref name="name"/>; disposing it takes the queue out of the gauges.</summary>
    public Queue<TKey> For<TKey>(string name)
        where TKey : notnull
    {
        var queue = new Queue<TKey>(this, name);
        _queues.TryAdd(queue, 0);
        return queue;
    }

    private IEnumerable<Measurement<double>> Processing(bool longest)
    {
        var now = _time.GetTimestamp();
        foreach (var queue in _queues.Keys)
        {
            var (total, oldest) = queue.Processing(now);
            yield return new Measurement<double>(longest ? oldest : total, new KeyValuePair<string, object?>("name", queue.Name));
        }
    }

    private interface IProcessing
    {
        string Name { get; }

        /// <summary>The seconds the keys being processed have taken so far, in all and the longest.</summary>
        (double Total, double Longest) Processing(long now);
    }

    /// <summary>What one queue records, called by the queue under its own lock (client-go's queueMetrics).</summary>
    public sealed class Queue<TKey> : IProcessing, IDisposable
        where TKey : notnull
    {
        private readonly WorkqueueMetrics _metrics;
        private readonly TagList _tags;
        private readonly Dictionary<TKey, long> _added = [];
        private readonly Dictionary<TKey, long> _processing = [];
        private readonly Lock _lock = new();

        internal Queue(WorkqueueMetrics metrics, string name)
        {
            _metrics = metrics;
            Name = name;
            _tags = new TagList { { "name", name } };
        }

        public string Name { get; }

        /// <summary>A key was added (it was not waiting already).</summary>
        public void Added(TKey key)
        {
            _metrics._adds.Add(1, _tags);
            _metrics._depth.Add(1, _tags);
            lock (_lock)
            {
                _added.TryAdd(key, _metrics._time.GetTimestamp());
            }
        }

        /// <summary>A worker took the key.</summary>
        public void Taken(TKey key)
        {
            _metrics._depth.Add(-1, _tags);
            var now = _metrics._time.GetTimestamp();
            lock (_lock)
            {
                if (_added.Remove(key, out var added))
                {
                    _metrics._queueDuration.Record(_metrics._time.GetElapsedTime(added, now).TotalSeconds, _tags);
                }

                _processing[key] = now;
            }
        }

        /// <summary>The worker is done with the key.</summary>
        public void Done(TKey key)
        {
            lock (_lock)
            {
                if (_processing.Remove(key, out var started))
                {
                    _metrics._workDuration.Record(_metrics._time.GetElapsedTime(started).TotalSeconds, _tags);
                }
            }
        }

        /// <summary>The key was added again after its back-off.</summary>
        public void Retried() => _metrics._retries.Add(1, _tags);

        public (double Total, double Longest) Processing(long now)
        {
            lock (_lock)
            {
                double total = 0, longest = 0;
                foreach (var started in _processing.Values)
                {
                    var seconds = _metrics._time.GetElapsedTime(started, now).TotalSeconds;
                    total += seconds;
                    longest = Math.Max(longest, seconds);
                }

                return (total, longest);
            }
        }

        public void Dispose() => _metrics._queues.TryRemove(this, out _);
    }
}
