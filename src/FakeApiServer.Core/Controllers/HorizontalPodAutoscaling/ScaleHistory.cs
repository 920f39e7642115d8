namespace FakeApiServer.Controllers.HorizontalPodAutoscaling;

/// <summary>
/// What the HPA controller remembers about one autoscaler between syncs, in memory as upstream does (lost on restart):
/// its recent unstabilised recommendations and its recent scale-ups and scale-downs, which the stabilisation windows
/// and the scaling policies look back on. Used by one worker at a time (the queue never hands a key to two).
/// </summary>
internal sealed class ScaleHistory
{
    /// <summary>Recent recommendations; an entry older than every window is reused for the next one.</summary>
    public List<(int Replicas, DateTimeOffset At)> Recommendations { get; } = [];

    /// <summary>Recent scale-ups: how many replicas each added and when.</summary>
    public List<ScaleEvent> ScaleUps { get; } = [];

    /// <summary>Recent scale-downs: how many replicas each removed and when.</summary>
    public List<ScaleEvent> ScaleDowns { get; } = [];
}

/// <summary>One rescale: the replicas it changed (never negative), when, and whether it is older than every policy period.</summary>
internal sealed record ScaleEvent(int Change, DateTimeOffset At)
{
    public bool Outdated { get; set; }
}
