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
        new DurabilityScenario(),
        new UpdateScenario(),
        new GetScenario(),
        new ListScenario(),
        new MemoryScenario(),
        new WatchFanOutScenario(),
        new WatchResumeScenario(),
        new ProtobufScenario(),
        new InformersScenario(),
        new ChurnScenario(),
        new FixtureScenario(),
    ];
}
