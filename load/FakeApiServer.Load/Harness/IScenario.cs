namespace FakeApiServer.Load.Harness;

/// <summary>
/// A scenario of issue 9: starts what it needs, runs its load tests (each a setup, a step and a teardown under a load
/// model) and fills its report with measurements, metrics and target verdicts.
/// </summary>
internal interface IScenario
{
    /// <summary>The name given to --scenario.</summary>
    string Name { get; }

    /// <summary>Runs the scenario once.</summary>
    Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken);
}
