using System.Text;
using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Ceilings;

/// <summary>What etcd did in the same run: puts and create-if-absent txns of the same 2 KiB values, 64 users each.</summary>
/// <param name="Put">PUT /v3/kv/put.</param>
/// <param name="Txn">POST /v3/kv/txn, compare mod_revision == 0 then put (what kube-apiserver sends for a create).</param>
internal sealed record EtcdResult(LoadStats Put, LoadStats Txn);

/// <summary>
/// etcd on this machine as the peer a user would otherwise run under kube-apiserver: its HTTP/JSON gateway driven by
/// the same client as the server (raw HttpClient, 64 users), with the same 2 KiB ConfigMap bodies as values. A txn
/// answered with succeeded=false (the key existed) counts as an error.
/// </summary>
internal static class EtcdCeiling
{
    private static readonly byte[] Succeeded = "\"succeeded\":true"u8.ToArray();

    /// <summary>Starts etcd, measures puts then txns, stops it.</summary>
    public static async Task<EtcdResult> MeasureAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Progress("ceiling: etcd puts and txns through its HTTP/JSON gateway");
        await using var etcd = await EtcdProcess.StartAsync(context.WorkDir, context.Time, cancellationToken);
        var result = await MeasureOnAsync(context, etcd.ClientUrl, () => etcd.ProcessorTime, "own process", cancellationToken);
        report.Notes.Add("etcd: Debian's etcd-server, one member on loopback, temporary data dir, default durability (fsync per commit), driven through its HTTP/JSON gateway with the server's client; values are the same 2 KiB ConfigMap bodies (base64 in the gateway's JSON)");
        return result;
    }

    /// <summary>
    /// Measures puts then txns on an etcd that is already running (e.g. the cluster a scenario's replicas use), through
    /// the member at <paramref name="clientUrl"/>; <paramref name="where"/> ends each row's name.
    /// </summary>
    public static async Task<EtcdResult> MeasureOnAsync(RunContext context, Uri clientUrl, Func<TimeSpan> processorTime, string where, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var http = HttpDriver.Create(clientUrl);
        var value = Convert.ToBase64String(ObjectBodies.ConfigMap("ceiling", "etcd"));
        var put = await context.MeasureAsync(
            new LoadTest
            {
                Name = $"etcd: put of a 2 KiB value (/v3/kv/put), {where}",
                Model = LoadModel.Closed(64),
                Step = (step, ct) => HttpDriver.SendAsync(
                    http, HttpDriver.WithBody(HttpMethod.Post, "v3/kv/put", Encoding.ASCII.GetBytes($"{{\"key\":\"{Key("put", step)}\",\"value\":\"{value}\"}}")), ct),
                ServerProcessorTime = processorTime,
            },
            cancellationToken);
        var txn = await context.MeasureAsync(
            new LoadTest
            {
                Name = $"etcd: txn create-if-absent of a 2 KiB value (/v3/kv/txn), {where}",
                Model = LoadModel.Closed(64),
                Step = (step, ct) => TxnAsync(http, Key("txn", step), value, ct),
                ServerProcessorTime = processorTime,
            },
            cancellationToken);
        return new EtcdResult(put, txn);
    }

    private static string Key(string prefix, StepContext step) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"/registry/configmaps/{prefix}/c-{step.User}-{step.Iteration}"));

    private static async ValueTask<StepResult> TxnAsync(HttpClient http, string key, string value, CancellationToken cancellationToken)
    {
        var body = Encoding.ASCII.GetBytes(
            $"{{\"compare\":[{{\"target\":\"MOD\",\"key\":\"{key}\",\"mod_revision\":\"0\"}}],\"success\":[{{\"request_put\":{{\"key\":\"{key}\",\"value\":\"{value}\"}}}}]}}");
        var (status, answer) = await HttpDriver.SendForBodyAsync(http, HttpDriver.WithBody(HttpMethod.Post, "v3/kv/txn", body), cancellationToken);
        return status == 200 && answer.AsSpan().IndexOf(Succeeded) < 0
            ? new StepResult(0, answer.Length, "txn not succeeded")
            : new StepResult(status, answer.Length);
    }
}
