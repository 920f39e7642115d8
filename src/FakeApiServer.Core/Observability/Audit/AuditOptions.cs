namespace FakeApiServer.Observability.Audit;

/// <summary>
/// Auditing, as kube-apiserver's --audit-* flags set it: a policy, and the log and/or webhook backends the events
/// go to. Off unless a policy and at least one backend are given.
/// </summary>
public sealed record AuditOptions
{
    /// <summary>--audit-policy-file: an audit.k8s.io/v1 Policy (YAML or JSON).</summary>
    public string? PolicyFile { get; init; }

    /// <summary>--audit-log-path: the log file, "-" for standard output; null for no log backend.</summary>
    public string? LogPath { get; init; }

    /// <summary>--audit-log-maxsize: megabytes before the log file is rotated (0: lumberjack's default, 100).</summary>
    public int LogMaxSize { get; init; }

    /// <summary>--audit-log-maxbackup: rotated files kept (0: all).</summary>
    public int LogMaxBackup { get; init; }

    /// <summary>--audit-log-maxage: days a rotated file is kept (0: for ever).</summary>
    public int LogMaxAge { get; init; }

    /// <summary>--audit-log-format: "json" (the only format served; upstream's "legacy" one-line text is not).</summary>
    public string LogFormat { get; init; } = "json";

    /// <summary>--audit-webhook-config-file: a kubeconfig naming the webhook's server and credentials; null for no webhook backend.</summary>
    public string? WebhookConfigFile { get; init; }

    /// <summary>--audit-webhook-initial-backoff: the wait before the first retry of a failed webhook batch (10s).</summary>
    public TimeSpan WebhookInitialBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>--audit-webhook-batch-buffer-size: events queued before new ones are dropped (10000).</summary>
    public int WebhookBatchBufferSize { get; init; } = 10_000;

    /// <summary>--audit-webhook-batch-max-size: events in one batch at most (400).</summary>
    public int WebhookBatchMaxSize { get; init; } = 400;

    /// <summary>--audit-webhook-batch-max-wait: how long a batch that is not full waits before it is sent (30s).</summary>
    public TimeSpan WebhookBatchMaxWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>--audit-webhook-batch-throttle-qps: batches per second at most (10; 0 for no limit).</summary>
    public double WebhookBatchThrottleQps { get; init; } = 10;

    /// <summary>--audit-webhook-batch-throttle-burst: batches sent at once before the rate applies (15).</summary>
    public int WebhookBatchThrottleBurst { get; init; } = 15;

    /// <summary>Whether auditing is on: a policy and a backend.</summary>
    public bool Enabled => PolicyFile is not null && (LogPath is not null || WebhookConfigFile is not null);
}
