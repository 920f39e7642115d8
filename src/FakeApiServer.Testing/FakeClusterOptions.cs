using FakeApiServer.Features;

namespace FakeApiServer.Testing;

/// <summary>How a <see cref="FakeCluster"/> starts. The defaults suit unit tests: in memory, loopback, a free port.</summary>
public sealed record FakeClusterOptions
{
    /// <summary>Feature gates of the server.</summary>
    public FeatureGates FeatureGates { get; init; } = FeatureGates.Default;

    /// <summary>
    /// Group/versions switched on or off, as --runtime-config: "api/alpha", "api/beta", "api/all" or "group/version"
    /// (e.g. "networking.k8s.io/v1alpha1") to true or false. Empty: GA versions only.
    /// </summary>
    public IReadOnlyDictionary<string, bool> RuntimeConfig { get; init; } = new Dictionary<string, bool>();

    /// <summary>A data folder for an on-disk SQLite store; null keeps everything in memory.</summary>
    public string? DataDir { get; init; }

    /// <summary>Events kept for watch resume before a watch from an older resourceVersion gets 410 Expired.</summary>
    public int HistoryWindow { get; init; } = 10_000;

    /// <summary>The clock of the server (creation timestamps, ages, watch timeouts); null for the system clock.</summary>
    public TimeProvider? TimeProvider { get; init; }
}
