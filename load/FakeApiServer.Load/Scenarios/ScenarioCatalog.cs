using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>Every scenario, in the order `--scenario all` runs them (process starts first, before the heap grows).</summary>
internal static class ScenarioCatalog
{
    /// <summary>The scenarios.</summary>
    public static IReadOnlyList<IScenario> All { get; } =
    [
        new ColdStartScenario(),
        new CreateScenario(),
        new ClosedLoopScenario(),
        new DurabilityScenario(),
        new UpdateScenario(),
        new GetScenario(),
        new ListScenario(),
        new MemoryScenario(),
        new ScaleScenario(),
        new WatchFanOutScenario(),
        new WatchResumeScenario(),
        new ProtobufScenario(),
        new InformersScenario(),
        new ChurnScenario(),
        new ConsoleScenario(),
        new FixtureScenario(),
        new EtcdReplicasScenario(),
    ];

    /// <summary>
    /// Scenarios run only when named with --scenario: the instruments comparison starts two more servers and measures
    /// each setting twice, which the all-scenario smoke run's budget has no room for.
    /// </summary>
    public static IReadOnlyList<IScenario> OnRequest { get; } = [new InstrumentsScenario()];

    /// <summary>Every scenario --scenario may name.</summary>
    public static IReadOnlyList<IScenario> Named { get; } = [.. All, .. OnRequest];
}
