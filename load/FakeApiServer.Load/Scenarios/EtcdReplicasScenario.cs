using FakeApiServer.Load.Ceilings;
using FakeApiServer.Load.Harness;
using FakeApiServer.Testing.Etcd;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// The etcd backend (issue 23): one etcd cluster (three members in the full profile, one otherwise), first measured on
/// its own (put and create-if-absent txn through its gateway, 64 users), then creates, GETs by name (64 users) and watch
/// fan-out (50 creates/s) through one FakeApiServer replica and through three replicas on that same cluster, the users
/// and watchers spread evenly over the replicas. Each replica is its own process; the server CPU per request is the
/// replicas' and etcd's together, so whether more replicas can serve more on this machine can be read off the cores.
/// </summary>
internal sealed class EtcdReplicasScenario : IScenario
{
    private const int Users = 64;
    private const string Ns = "replicas";

    /// <inheritdoc/>
    public string Name => "etcd-replicas";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        var members = context.Profile.Name == "full" ? 3 : 1;
        context.Progress($"etcd-replicas: a {members}-member etcd");
        await using var etcd = await EtcdCluster.StartAsync(members, cancellationToken);
        var ceiling = await EtcdCeiling.MeasureOnAsync(context, etcd.ClientUrls[0], () => etcd.ProcessorTime, $"the replicas' {members}-member cluster", cancellationToken);
        report.Measurements.Add(ceiling.Put);
        report.Measurements.Add(ceiling.Txn);

        var replicas = new List<ServerUnderTest>();
        try
        {
            replicas.Add(await ServerUnderTest.StartEtcdReplicaAsync(context.WorkDir, etcd.Endpoints, cancellationToken));
            await replicas[0].CreateNamespaceAsync(Ns, cancellationToken);
            var path = ResourceKind.ConfigMaps.Path(Ns);
            var count = context.Profile.SmallCount;
            context.Progress($"etcd-replicas: seeding {count:N0} objects");
            await replicas[0].SeedAsync(0, count, i => (path, ObjectBodies.ConfigMap(Ns, $"g-{i}")), cancellationToken);
            report.OtherRequests += count;

            var one = await MeasureAsync(context, report, etcd, replicas, path, count, cancellationToken);
            replicas.Add(await ServerUnderTest.StartEtcdReplicaAsync(context.WorkDir, etcd.Endpoints, cancellationToken));
            replicas.Add(await ServerUnderTest.StartEtcdReplicaAsync(context.WorkDir, etcd.Endpoints, cancellationToken));
            var three = await MeasureAsync(context, report, etcd, replicas, path, count, cancellationToken);

            report.Targets.Add(TargetVerdict.Min("creates through 1 replica >= 0.7x etcd's txn/s on the same cluster", one.Create.Rps, ceiling.Txn.Rps, 0.7, "req/s"));
            report.Targets.Add(TargetVerdict.Min("creates through 3 replicas >= 0.7x etcd's txn/s on the same cluster", three.Create.Rps, ceiling.Txn.Rps, 0.7, "req/s"));
            report.Targets.Add(TargetVerdict.Min("GETs through 3 replicas >= 2.5x through 1", three.Get.Rps, one.Get.Rps, 2.5, "req/s"));
            foreach (var (label, result) in new[] { ("1 replica", one), ("3 replicas", three) })
            {
                report.Targets.Add(TargetVerdict.Max($"watch fan-out through {label}: no event dropped or out of order", result.FanOut.Dropped + result.FanOut.OutOfOrder, 1, 0, "events"));
                report.CheckErrors += result.FanOut.Dropped + result.FanOut.OutOfOrder + result.FanOut.EndedEarly + result.FanOut.ErrorEvents;
            }

            report.Add("GET rate, 3 replicas against 1", three.Get.Rps / one.Get.Rps, "x");
            report.Add("create rate through 1 replica against etcd's txn rate", one.Create.Rps / ceiling.Txn.Rps, "x");
            report.Notes.Add($"{Environment.ProcessorCount} cores for etcd, every replica and the load client together: a GET costs the replica's CPU, a quorum read of etcd's revision (consistent read) and the client's CPU, so with the cores busy at one replica, more replicas add no CPU to serve with");
            report.Notes.Add("the replicas run only the namespace and garbage-collector controllers, under leader election; --etcd-prefix /load keeps them apart from the ceiling's keys under /registry");
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    private static async Task<Through> MeasureAsync(
        RunContext context, ScenarioReport report, EtcdCluster etcd, List<ServerUnderTest> replicas, string path, int count, CancellationToken cancellationToken)
    {
        var label = replicas.Count == 1 ? "1 replica" : $"{replicas.Count} replicas";
        TimeSpan ServerCpu() => replicas.Aggregate(etcd.ProcessorTime, (sum, r) => sum + r.ProcessorTime!());
        HttpClient For(StepContext step) => replicas[step.User % replicas.Count].Http;

        context.Progress($"etcd-replicas: creates through {label}");
        var create = await context.MeasureAsync(
            new LoadTest
            {
                Name = $"create (POST) through {label}, {Users} users (server CPU: replicas + etcd)",
                Model = LoadModel.Closed(Users),
                Step = (step, ct) => HttpDriver.SendAsync(
                    For(step), HttpDriver.WithBody(HttpMethod.Post, path, ObjectBodies.ConfigMap(Ns, $"c{replicas.Count}-{step.User}-{step.Iteration}")), ct),
                ServerProcessorTime = ServerCpu,
            },
            cancellationToken);
        context.Progress($"etcd-replicas: GETs through {label}");
        var etcdBefore = etcd.ProcessorTime;
        var get = await context.MeasureAsync(
            new LoadTest
            {
                Name = $"GET by name through {label}, {Users} users (server CPU: replicas + etcd)",
                Model = LoadModel.Closed(Users),
                Step = (step, ct) => HttpDriver.SendAsync(For(step), HttpDriver.Get($"{path}/g-{Random.Shared.Next(count)}"), ct),
                ServerProcessorTime = ServerCpu,
            },
            cancellationToken);
        var etcdPerGet = (etcd.ProcessorTime - etcdBefore).TotalMilliseconds / Math.Max(1, get.Requests);

        var watchers = context.Profile.FanOutWatchers.Max();
        var rv = await replicas[0].CollectionResourceVersionAsync(path, cancellationToken);
        context.Progress($"etcd-replicas: {watchers} watchers through {label} at {FanOutMeasurement.Rate}/s");
        var fanOut = await FanOutMeasurement.RunAsync(
            context, $"create at 50/s with {watchers} watchers spread over {label}", [.. replicas.Select(r => r.Http)], $"{path}?watch=true&resourceVersion={rv}", watchers,
            (sent, i, ct) => HttpDriver.SendAsync(replicas[0].Http, HttpDriver.WithBody(HttpMethod.Post, path, ObjectBodies.ConfigMap(Ns, $"e{replicas.Count}-{i}", sent)), ct),
            cancellationToken);

        report.Measurements.Add(create);
        report.Measurements.Add(get);
        report.Measurements.Add(fanOut.Writer);
        report.Add($"{label}: server CPU per GET (replicas + etcd)", get.ServerCpuMsPerRequest, "ms");
        report.Add($"{label}: of which etcd", etcdPerGet, "ms");
        report.Add($"{label}: client CPU per GET", get.ClientCpuMsPerRequest, "ms");
        report.Add($"{label}: GETs/s the cores allow at that CPU per GET ({Environment.ProcessorCount} cores / (server + client CPU per GET))",
            Environment.ProcessorCount * 1000 / (get.ServerCpuMsPerRequest + get.ClientCpuMsPerRequest), "req/s");
        report.Add($"{label}: watch events written x watchers", fanOut.Written * watchers, "events");
        report.Add($"{label}: watch events delivered", fanOut.Delivered, "events");
        report.Add($"{label}: watch p99 sent->received", fanOut.P99, "ms");
        return new Through(create, get, fanOut);
    }

    private sealed record Through(LoadStats Create, LoadStats Get, FanOutResult FanOut);
}
