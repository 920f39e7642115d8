using System.Globalization;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Storage.Etcd;

/// <summary>
/// kube-apiserver's compactor: every interval, each replica tries to move the shared "compact_rev_key" on from the
/// version it last saw; the one that succeeds compacts etcd to the revision it saw one interval earlier, so however
/// many replicas run, the cluster is compacted once per interval and keeps at least one interval of history. The
/// others learn the compacted revision from the key's value, so their watch caches answer 410 for it too.
/// </summary>
internal sealed partial class EtcdCompactor(KV.KVClient kv, TimeSpan interval, TimeProvider time, Action<long> compacted, ILogger logger)
{
    /// <summary>The key, at the root of the keyspace rather than under the prefix, as kube-apiserver keeps it.</summary>
    public const string CompactRevisionKey = "compact_rev_key";

    private static readonly ByteString Key = ByteString.CopyFromUtf8(CompactRevisionKey);

    /// <summary>
    /// Starts the rounds: the first timer is set before this returns, and each later one before
    /// <paramref name="roundDone"/> is told a round ended, so a test that moves a manual clock never moves it too early.
    /// </summary>
    public Task Start(Action roundDone, CancellationToken cancellationToken)
    {
        var first = Task.Delay(interval, time, cancellationToken);
        return RunAsync(first, roundDone, cancellationToken);
    }

    private async Task RunAsync(Task delay, Action roundDone, CancellationToken cancellationToken)
    {
        long seenVersion = 0, revision = 0;
        while (true)
        {
            try
            {
                await delay;
                (seenVersion, revision) = await CompactAsync(seenVersion, revision, cancellationToken);
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                return;
            }
            catch (RpcException e)
            {
                Log.CompactionFailed(logger, revision, e.Status.Detail);
            }

            delay = Task.Delay(interval, time, cancellationToken);
            roundDone();
        }
    }

    /// <summary>One round: returns the key's version now and the revision to compact to next round.</summary>
    private async Task<(long Version, long Revision)> CompactAsync(long seenVersion, long revision, CancellationToken cancellationToken)
    {
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = Key, Target = Compare.Types.CompareTarget.Version, Result = Compare.Types.CompareResult.Equal, Version = seenVersion });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Key, Value = ByteString.CopyFromUtf8(revision.ToString(CultureInfo.InvariantCulture)) } });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = Key } });
        var response = await kv.TxnAsync(txn, cancellationToken: cancellationToken);
        var current = response.Header.Revision;
        if (!response.Succeeded)
        {
            // Another replica compacted this round: its value is the revision it compacted to.
            var kvs = response.Responses[0].ResponseRange.Kvs;
            if (kvs.Count > 0 && long.TryParse(kvs[0].Value.ToStringUtf8(), CultureInfo.InvariantCulture, out var theirs) && theirs > 0)
            {
                compacted(theirs);
            }

            return (kvs.Count > 0 ? kvs[0].Version : 0, current);
        }

        if (revision > 0)
        {
            try
            {
                await kv.CompactAsync(new CompactionRequest { Revision = revision }, cancellationToken: cancellationToken);
            }
            catch (RpcException e) when (e.Status.Detail.Contains("compacted", StringComparison.Ordinal))
            {
                // Already compacted further (by hand): nothing older to drop.
            }

            Log.Compacted(logger, revision);
            compacted(revision);
        }

        return (seenVersion + 1, current);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Compacted etcd to revision {Revision}")]
        public static partial void Compacted(ILogger logger, long revision);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Compacting etcd to revision {Revision} failed: {Detail}; retrying next interval")]
        public static partial void CompactionFailed(ILogger logger, long revision, string detail);
    }
}
