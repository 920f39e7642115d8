using System.Globalization;
using System.Text;
using FakeApiServer.Load.Ceilings;
using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// Create, update (PUT), merge patch and GET against the server in its own process, each first closed-loop at 64
/// connections (what wrk, hey and kube-burner do: a user sends its next request when the last one answered), then
/// open-loop next to it at half the closed-loop rate (latency from each request's intended start, so a stall is charged
/// to every request that should have started). Reports p50/p90/p99/p99.9 and the server's and the client's CPU per
/// request, and compares with the strongest durable-write ceiling, etcd and the fixed-body ceiling of the same run. GET
/// is also compared with the same-response ceiling: bare Kestrel sending this server's own GET response, which tells
/// how much of the gap to the fixed-body ceiling is the response kube-apiserver's behaviour makes us send.
/// </summary>
internal sealed class ClosedLoopScenario : IScenario
{
    private const int Users = 64;
    private const string Ns = "rw";

    /// <inheritdoc/>
    public string Name => "closed-loop";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        var write = await context.Ceilings.StrongestWriteAsync(cancellationToken);
        var groupCommit = await context.Ceilings.GroupCommitAsync(cancellationToken);
        var etcd = await context.Ceilings.EtcdAsync(cancellationToken);
        var fixedBody = await context.Ceilings.FixedBodyOwnProcessAsync(cancellationToken);

        await using var server = await ServerUnderTest.StartProcessAsync(context.WorkDir, cancellationToken);
        await server.CreateNamespaceAsync(Ns, cancellationToken);
        var count = context.Profile.SmallCount;
        var path = ResourceKind.ConfigMaps.Path(Ns);
        context.Progress($"closed-loop: seeding {count:N0} objects");
        var beforeSeeding = server.ProcessorTime!();
        await server.SeedAsync(0, count, i => (path, ObjectBodies.ConfigMap(Ns, $"u-{i}")), cancellationToken);
        report.OtherRequests += count;

        // What a fresh process pays while its JIT tiers up: its first creates, against the measured (warm) phase below.
        var seedingCpuMs = (server.ProcessorTime!() - beforeSeeding).TotalMilliseconds / count;

        // The same-response ceiling serves what this server answers to one of the GETs below, captured now (one more
        // request), while the server is idle.
        string GetPath() => $"{path}/u-{Random.Shared.Next(count)}";
        var sameResponse = await SameResponseCeiling.MeasureInOwnProcessAsync(context, server.Http.BaseAddress!, $"{path}/u-0", GetPath, cancellationToken);
        report.OtherRequests++;

        Func<StepContext, CancellationToken, ValueTask<StepResult>> Create(string prefix) => (step, ct) => HttpDriver.SendAsync(
            server.Http, HttpDriver.WithBody(HttpMethod.Post, path, ObjectBodies.ConfigMap(Ns, $"{prefix}-{step.User}-{step.Iteration}")), ct);
        ValueTask<StepResult> Update(StepContext step, CancellationToken ct)
        {
            var key = Random.Shared.Next(count);
            var body = ObjectBodies.ConfigMap(Ns, $"u-{key}", value: step.Iteration.ToString(CultureInfo.InvariantCulture));
            return HttpDriver.SendAsync(server.Http, HttpDriver.WithBody(HttpMethod.Put, $"{path}/u-{key}", body), ct);
        }

        ValueTask<StepResult> Patch(StepContext step, CancellationToken ct) => HttpDriver.SendAsync(
            server.Http,
            HttpDriver.WithBody(HttpMethod.Patch, $"{path}/u-{Random.Shared.Next(count)}", Encoding.UTF8.GetBytes($"{{\"data\":{{\"v\":\"p{step.Iteration}\"}}}}"), HttpDriver.MergePatch),
            ct);
        ValueTask<StepResult> Get(StepContext step, CancellationToken ct) => HttpDriver.SendAsync(server.Http, HttpDriver.Get(GetPath()), ct);

        var create = await BothModelsAsync(context, report, server, "create (POST)", Create("c"), Create("o"), cancellationToken);
        var update = await BothModelsAsync(context, report, server, "update (PUT, unconditional)", Update, Update, cancellationToken);
        var patch = await BothModelsAsync(context, report, server, "merge patch", Patch, Patch, cancellationToken);
        var get = await BothModelsAsync(context, report, server, "GET by name", Get, Get, cancellationToken);

        var strongest = write.Name;
        report.Targets.Add(TargetVerdict.Min("create >= 0.5x the strongest write ceiling", create.Rps, write.Rps, 0.5, "req/s"));
        report.Targets.Add(TargetVerdict.Max("create p99 <= 2x the strongest write ceiling's p99", create.P99, write.P99, 2, "ms"));
        report.Targets.Add(TargetVerdict.Max("server CPU per create <= 2x the group-commit ceiling's", create.ServerCpuMsPerRequest, groupCommit.ServerCpuMsPerRequest, 2, "ms"));
        report.Targets.Add(TargetVerdict.Min("creates/s >= 2x etcd's txn/s", create.Rps, etcd.Txn.Rps, 2, "req/s"));
        report.Targets.Add(TargetVerdict.Min("update >= 0.4x the strongest write ceiling", update.Rps, write.Rps, 0.4, "req/s"));
        report.Targets.Add(TargetVerdict.Min("merge patch >= 0.4x the strongest write ceiling", patch.Rps, write.Rps, 0.4, "req/s"));
        report.Targets.Add(TargetVerdict.Min("GET >= 0.9x the fixed-body ceiling (own process)", get.Rps, fixedBody.Rps, 0.9, "req/s"));
        report.Targets.Add(TargetVerdict.Max("GET p99 <= 1.5x the fixed-body ceiling's (own process)", get.P99, fixedBody.P99, 1.5, "ms"));
        report.Add($"server CPU per create over a fresh process's first {count:N0} (the seeding, 64 at a time)", seedingCpuMs, "ms");
        report.Measurements.Add(sameResponse);
        report.Add("GET against the same-response ceiling", get.Rps / sameResponse.Rps, "x");
        report.Add("GET p99 against the same-response ceiling's", get.P99 / sameResponse.P99, "x");
        report.Add("server CPU per GET against the same-response ceiling's", get.ServerCpuMsPerRequest / sameResponse.ServerCpuMsPerRequest, "x");
        report.Add("same-response ceiling against the fixed-body ceiling", sameResponse.Rps / fixedBody.Rps, "x");
        report.Add("same-response ceiling's CPU per GET against the fixed-body ceiling's", sameResponse.ServerCpuMsPerRequest / fixedBody.ServerCpuMsPerRequest, "x");
        report.Add("creates/s against etcd puts/s", create.Rps / etcd.Put.Rps, "x");
        report.Add("server CPU per create against etcd's per txn", create.ServerCpuMsPerRequest / etcd.Txn.ServerCpuMsPerRequest, "x");
        report.Notes.Add($"strongest write ceiling in this run: {strongest}");
        report.Notes.Add($"the server runs in its own process; {count:N0} objects seeded; open-loop rows run at half the closed-loop rate of the same verb; updates are unconditional PUTs of random keys (no resourceVersion, so none conflicts)");
    }

    // Closed loop at 64 connections, then open loop at half its rate; both rows go into the report; returns the closed one.
    private static async Task<LoadStats> BothModelsAsync(
        RunContext context, ScenarioReport report, ServerUnderTest server, string verb,
        Func<StepContext, CancellationToken, ValueTask<StepResult>> closedStep, Func<StepContext, CancellationToken, ValueTask<StepResult>> openStep,
        CancellationToken cancellationToken)
    {
        context.Progress($"closed-loop: {verb}, {Users} connections");
        var closed = await context.MeasureAsync(
            new LoadTest { Name = $"{verb}, closed loop", Model = LoadModel.Closed(Users), Step = closedStep, ServerProcessorTime = server.ProcessorTime },
            cancellationToken);
        var rate = Math.Max(10, Math.Round(closed.Rps / 2));
        context.Progress($"closed-loop: {verb}, open loop at {rate:0}/s");
        var open = await context.MeasureAsync(
            new LoadTest { Name = $"{verb}, open loop at half that rate", Model = LoadModel.Open(rate), Step = openStep, ServerProcessorTime = server.ProcessorTime },
            cancellationToken);
        report.Measurements.Add(closed);
        report.Measurements.Add(open);
        return closed;
    }
}
