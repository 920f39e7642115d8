using System.Collections.Concurrent;
using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Ceilings;

/// <summary>
/// The ceilings of one invocation, each measured on first use on the same machine as the scenarios, and kept in a
/// report of their own ("ceilings") so the figures beside every ratio can be read.
/// </summary>
internal sealed class CeilingSet(RunContext context) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Task<LoadStats>> _load = new();
    private readonly ConcurrentDictionary<int, Task<FanOutResult>> _fanOut = new();
    private Task<double>? _coldStart;
    private Task<EtcdResult>? _etcd;

    /// <summary>Every ceiling measured so far.</summary>
    public ScenarioReport Report { get; } = new() { Name = "ceilings" };

    /// <summary>A bare Kestrel endpoint returning a fixed 2 KiB body, 64 users.</summary>
    public Task<LoadStats> FixedBodyAsync(CancellationToken cancellationToken) =>
        _load.GetOrAdd("fixed-body", _ => Record(FixedBodyCeiling.MeasureAsync(context, cancellationToken)));

    /// <summary>A bare endpoint inserting one 2 KiB row into SQLite per request, 64 users.</summary>
    public Task<LoadStats> InsertAsync(CancellationToken cancellationToken) =>
        _load.GetOrAdd("insert", _ => Record(SqliteInsertCeiling.MeasureAsync(context, Report, cancellationToken)));

    /// <summary>The group-commit create ceiling in its own process, 64 users.</summary>
    public Task<LoadStats> GroupCommitAsync(CancellationToken cancellationToken) =>
        _load.GetOrAdd("group-commit", _ => Record(GroupCommitCeiling.MeasureAsync(context, Report, cancellationToken)));

    /// <summary>The fixed-body GET ceiling in its own process (its CPU read apart), 64 users.</summary>
    public Task<LoadStats> FixedBodyOwnProcessAsync(CancellationToken cancellationToken) =>
        _load.GetOrAdd("fixed-body-process", _ => Record(FixedBodyCeiling.MeasureInOwnProcessAsync(context, cancellationToken)));

    /// <summary>
    /// The strongest durable-write ceiling measured in this run: the one with the highest rate among the insert
    /// ceiling and the group-commit ceiling. Every write ratio is taken against it.
    /// </summary>
    public async Task<LoadStats> StrongestWriteAsync(CancellationToken cancellationToken)
    {
        var insert = await InsertAsync(cancellationToken);
        var groupCommit = await GroupCommitAsync(cancellationToken);
        return groupCommit.Rps >= insert.Rps ? groupCommit : insert;
    }

    /// <summary>etcd on this machine: puts and txns of the same 2 KiB values, 64 users each.</summary>
    public Task<EtcdResult> EtcdAsync(CancellationToken cancellationToken) =>
        _etcd ??= RecordEtcd(EtcdCeiling.MeasureAsync(context, Report, cancellationToken));

    /// <summary>A bare newline-delimited JSON fan-out to <paramref name="watchers"/> clients at 50 events/s.</summary>
    public Task<FanOutResult> FanOutAsync(int watchers, CancellationToken cancellationToken) =>
        _fanOut.GetOrAdd(watchers, w => RecordFanOut(FanOutCeiling.MeasureAsync(context, w, cancellationToken)));

    /// <summary>Milliseconds from starting a minimal Kestrel child process to its first answered request (median).</summary>
    public Task<double> ColdStartAsync(CancellationToken cancellationToken) =>
        _coldStart ??= RecordColdStart(ColdStartCeiling.MeasureAsync(context, cancellationToken));

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<LoadStats> Record(Task<LoadStats> measuring)
    {
        var stats = await measuring;
        lock (Report)
        {
            Report.Measurements.Add(stats);
        }

        return stats;
    }

    private async Task<EtcdResult> RecordEtcd(Task<EtcdResult> measuring)
    {
        var result = await measuring;
        lock (Report)
        {
            Report.Measurements.Add(result.Put);
            Report.Measurements.Add(result.Txn);
        }

        return result;
    }

    private async Task<FanOutResult> RecordFanOut(Task<FanOutResult> measuring)
    {
        var result = await measuring;
        lock (Report)
        {
            Report.Add($"fan-out {result.Watchers} watchers: p99 sent->received", result.P99, "ms");
            Report.Add($"fan-out {result.Watchers} watchers: dropped", result.Dropped, "events");
            if (result.ServerCpuPerDelivery is { } cpu)
            {
                Report.Add($"fan-out {result.Watchers} watchers: server CPU per event delivered", cpu, "us");
            }
        }

        return result;
    }

    private async Task<double> RecordColdStart(Task<double> measuring)
    {
        var ms = await measuring;
        lock (Report)
        {
            Report.Add("cold start: bare Kestrel child process to first answer (median)", ms, "ms");
        }

        return ms;
    }
}
