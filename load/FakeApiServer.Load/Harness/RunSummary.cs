namespace FakeApiServer.Load.Harness;

/// <summary>One invocation's results: the ceilings, every scenario's (median) report, and where they were written.</summary>
internal sealed record RunSummary
{
    /// <summary>When the run started (UTC).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>The profile's name.</summary>
    public required string Profile { get; init; }

    /// <summary>Runs per scenario.</summary>
    public required int Runs { get; init; }

    /// <summary>Cores, OS and runtime.</summary>
    public required string Machine { get; init; }

    /// <summary>The ceilings measured.</summary>
    public required ScenarioReport Ceilings { get; init; }

    /// <summary>The scenarios' reports.</summary>
    public required IReadOnlyList<ScenarioReport> Reports { get; init; }

    /// <summary>The results folder.</summary>
    public string Directory { get; init; } = string.Empty;

    /// <summary>The Markdown report.</summary>
    public string MarkdownPath { get; init; } = string.Empty;

    /// <summary>The JSON report.</summary>
    public string JsonPath { get; init; } = string.Empty;
}
