using FakeApiServer.Load.Ceilings;
using FakeApiServer.Load.Harness;
using FakeApiServer.Testing;
using k8s;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// Start-up: `dotnet fakeapiserver.dll --data-dir &lt;empty folder&gt; --port 0` (an empty store on disk) and
/// `--in-memory` to their first answer, against a bare Kestrel process; beside them the cold-start floor (bare Kestrel
/// with KubernetesClient, System.Text.Json and a new SQLite store of one object, <see cref="ColdStartFloor"/>), which
/// tells how much of the target any server on those libraries can reach; and a fresh in-memory FakeCluster in this
/// (warm) process to its first answer, 20 in a row after one warm-up.
/// </summary>
internal sealed class ColdStartScenario : IScenario
{
    private const double ProcessFactor = 1.3;
    private const double FixtureP50Ms = 10;

    /// <inheritdoc/>
    public string Name => "coldstart";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        var bare = await context.Ceilings.ColdStartAsync(cancellationToken);
        context.Progress("coldstart: fakeapiserver process");
        var dll = ServerBinary.Locate();
        var times = new List<double>();
        var inMemory = new List<double>();
        var floors = new List<double>();
        var harness = typeof(ColdStartFloor).Assembly.Location;
        for (var i = 0; i < context.Profile.ProcessStarts; i++)
        {
            var dataDir = Path.Combine(context.WorkDir, "coldstart-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(dataDir);
            times.Add(await ColdStartCeiling.TimeToFirstAnswerAsync(context.Time, dll, ["--data-dir", dataDir, "--port", "0"], "version", cancellationToken));
            StoreFiles.TryDelete(dataDir);
            inMemory.Add(await ColdStartCeiling.TimeToFirstAnswerAsync(context.Time, dll, ["--in-memory", "--port", "0"], "version", cancellationToken));
            var floorDir = Path.Combine(context.WorkDir, "coldstart-floor-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(floorDir);
            floors.Add(await ColdStartCeiling.TimeToFirstAnswerAsync(context.Time, harness, [ColdStartFloor.Argument, floorDir], "version", cancellationToken));
            StoreFiles.TryDelete(floorDir);
        }

        var server = ColdStartCeiling.Median(times);
        report.Add("fakeapiserver process, empty store on disk, start to first answer (median)", server, "ms");
        report.Add("fakeapiserver process, --in-memory, start to first answer (median)", ColdStartCeiling.Median(inMemory), "ms");
        report.Add("bare Kestrel process start to first answer (median)", bare, "ms");
        var floor = ColdStartCeiling.Median(floors);
        report.Add("cold-start floor: bare Kestrel + KubernetesClient + a new SQLite store of one object, start to first answer (median)", floor, "ms");
        report.Add("cold-start floor / bare Kestrel (what the libraries alone cost against the 1.3x target)", floor / bare, "x");
        report.Add("fakeapiserver / cold-start floor", server / floor, "x");
        report.Targets.Add(TargetVerdict.Max("cold start with an empty store <= 1.3x a bare Kestrel process", server, bare, ProcessFactor, "ms"));

        context.Progress($"coldstart: {context.Profile.ClusterStarts} fresh in-memory FakeClusters");
        await TimeFixtureAsync(context, cancellationToken);
        var fixtures = new List<double>();
        for (var i = 0; i < context.Profile.ClusterStarts; i++)
        {
            fixtures.Add(await TimeFixtureAsync(context, cancellationToken));
        }

        var p50 = ColdStartCeiling.Median(fixtures);
        report.Add("fresh in-memory FakeCluster to first answer (p50)", p50, "ms");
        report.Add("fresh in-memory FakeCluster to first answer (max)", fixtures.Max(), "ms");
        report.Targets.Add(TargetVerdict.Max("fresh FakeCluster in a warm process answers in <= 10 ms p50", p50, FixtureP50Ms, 1, "ms"));
        report.OtherRequests += (4 * context.Profile.ProcessStarts) + context.Profile.ClusterStarts + 1;
    }

    private static async Task<double> TimeFixtureAsync(RunContext context, CancellationToken cancellationToken)
    {
        var start = context.Time.GetTimestamp();
        await using var cluster = await FakeCluster.StartAsync(cancellationToken);
        await cluster.Client.CoreV1.ListNamespaceAsync(cancellationToken: cancellationToken);
        return context.Time.GetElapsedTime(start).TotalMilliseconds;
    }
}
