namespace FakeApiServer.Load.Harness;

/// <summary>What one scenario measured: its load tests, its own metrics, its target verdicts and notes.</summary>
internal sealed record ScenarioReport
{
    /// <summary>The scenario's name, as given to --scenario.</summary>
    public required string Name { get; init; }

    /// <summary>The load tests run against the server.</summary>
    public List<LoadStats> Measurements { get; } = [];

    /// <summary>Scenario-specific figures (e.g. events dropped, MiB during a list).</summary>
    public List<Metric> Metrics { get; } = [];

    /// <summary>The targets of issue 9 and whether they were met.</summary>
    public List<TargetVerdict> Targets { get; } = [];

    /// <summary>Figures measured at several sizes, drawn as tables and SVG plots.</summary>
    public List<Curve> Curves { get; } = [];

    /// <summary>Remarks: reduced sizes in --quick, what was chosen for a ceiling, anomalies.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Errors outside the load tests (e.g. a check that got the wrong status).</summary>
    public long CheckErrors { get; set; }

    /// <summary>Requests made outside the load tests (seeding, checks, probes), so every scenario shows what it did.</summary>
    public long OtherRequests { get; set; }

    /// <summary>Wall time of the scenario in seconds.</summary>
    public double ElapsedSeconds { get; set; }

    /// <summary>Requests completed over all measurements and checks.</summary>
    public long Requests => Measurements.Sum(m => m.Requests) + OtherRequests;

    /// <summary>Errors no scenario expected: failed requests plus failed checks.</summary>
    public long UnexpectedErrors => Measurements.Sum(m => m.Errors) + CheckErrors;

    /// <summary>Adds a metric.</summary>
    public void Add(string name, double value, string unit) => Metrics.Add(new Metric(name, value, unit));
}

/// <summary>A named figure.</summary>
/// <param name="Name">What it is.</param>
/// <param name="Value">The figure.</param>
/// <param name="Unit">Its unit ("ms", "MiB", "events", ...).</param>
internal sealed record Metric(string Name, double Value, string Unit);
