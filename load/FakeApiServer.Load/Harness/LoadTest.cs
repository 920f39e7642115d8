namespace FakeApiServer.Load.Harness;

/// <summary>Which user runs a step and how many steps it (closed) or the whole test (open) started before.</summary>
/// <param name="User">The user index (closed model), or 0 (open model).</param>
/// <param name="Iteration">The step's sequence number for that user (closed) or for the whole test (open).</param>
internal readonly record struct StepContext(int User, long Iteration);

/// <summary>
/// A load test as NBomber defines a scenario: a name, an optional setup, a step function run under a load model, and
/// an optional teardown. The runner warms up, then measures for the given duration.
/// </summary>
internal sealed class LoadTest
{
    /// <summary>The name shown in the report, e.g. "create".</summary>
    public required string Name { get; init; }

    /// <summary>How requests are injected.</summary>
    public required LoadModel Model { get; init; }

    /// <summary>One request; must not throw for answers the server may give (return their status instead).</summary>
    public required Func<StepContext, CancellationToken, ValueTask<StepResult>> Step { get; init; }

    /// <summary>Runs once before the warm-up.</summary>
    public Func<CancellationToken, Task>? Setup { get; init; }

    /// <summary>Runs once after the measurement.</summary>
    public Func<CancellationToken, Task>? Teardown { get; init; }

    /// <summary>Status codes that are answers the scenario expects (e.g. 409 in a conflict test), not errors.</summary>
    public IReadOnlySet<int> ExpectedStatusCodes { get; init; } = new HashSet<int>();

    /// <summary>
    /// The processor time the server's process has used so far, when it runs apart from this one (a child process):
    /// read at the start and the end of the measured period, so the report gives server and client CPU per request.
    /// </summary>
    public Func<TimeSpan>? ServerProcessorTime { get; init; }

    /// <summary>Open model only: also report latency per window of this length (e.g. the first and last minute of a soak).</summary>
    public TimeSpan? Window { get; init; }
}
