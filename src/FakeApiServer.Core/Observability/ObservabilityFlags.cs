using System.Globalization;
using FakeApiServer.Hosting;
using FakeApiServer.Hosting.Flags;
using FakeApiServer.Observability.Audit;
using FakeApiServer.Observability.Tracing;

namespace FakeApiServer.Observability;

/// <summary>The --audit-* and --tracing-config-file flags (kube-apiserver's names and meanings), read into <see cref="FakeApiServerOptions"/>.</summary>
internal static class ObservabilityFlags
{
    /// <summary>The flags this class reads, as <c>--help</c> shows them.</summary>
    public static readonly IReadOnlyList<Flag> Flags =
    [
        new("audit-policy-file", "Auditing", "", "Path to the file that defines the audit policy configuration (audit.k8s.io/v1 Policy)."),
        new("audit-log-path", "Auditing", "", "If set, all requests coming to the apiserver will be logged to this file, as JSON lines. '-' means standard out."),
        new("audit-log-maxsize", "Auditing", "", "The maximum size in megabytes of the audit log file before it gets rotated.", "int"),
        new("audit-log-maxbackup", "Auditing", "", "The maximum number of old audit log files to retain. 0 keeps all.", "int"),
        new("audit-log-maxage", "Auditing", "", "The maximum number of days to retain old audit log files based on the timestamp encoded in their filename.", "int"),
        new("audit-log-format", "Auditing", "\"json\"", "Format of saved audits; only \"json\" is served."),
        new("audit-webhook-config-file", "Auditing", "", "Path to a kubeconfig formatted file that defines the audit webhook configuration."),
        new("audit-webhook-initial-backoff", "Auditing", "10s", "The amount of time to wait before retrying the first failed request.", "duration"),
        new("audit-webhook-batch-buffer-size", "Auditing", "10000", "The size of the buffer to store events before batching and writing.", "int"),
        new("audit-webhook-batch-max-size", "Auditing", "400", "The maximum size of a batch.", "int"),
        new("audit-webhook-batch-max-wait", "Auditing", "30s", "The amount of time to wait before force writing the batch that hadn't reached the max size.", "duration"),
        new("audit-webhook-batch-throttle-qps", "Auditing", "10", "Maximum average number of batches per second.", "float32"),
        new("audit-webhook-batch-throttle-burst", "Auditing", "15", "Maximum number of requests sent at the same moment if ThrottleQPS was not utilized before.", "int"),
        new("tracing-config-file", "Traces", "", "File with apiserver tracing configuration (TracingConfiguration); spans go over OTLP to its endpoint. OTEL_* variables also turn export on."),
    ];

    public static bool Handles(string name) => Flags.Any(f => f.Name == name);

    /// <summary>The options with one flag applied; <see cref="FormatException"/> for a bad value.</summary>
    public static FakeApiServerOptions Apply(FakeApiServerOptions options, string name, string value)
    {
        var audit = options.Audit;
        audit = name switch
        {
            "audit-policy-file" => audit with { PolicyFile = Checked(name, value, path => AuditPolicy.Load(path)) },
            "audit-log-path" => audit with { LogPath = value.Length > 0 ? value : null },
            "audit-log-maxsize" => audit with { LogMaxSize = Whole(name, value) },
            "audit-log-maxbackup" => audit with { LogMaxBackup = Whole(name, value) },
            "audit-log-maxage" => audit with { LogMaxAge = Whole(name, value) },
            "audit-log-format" => audit with { LogFormat = value == "json" ? value : throw Bad(name, value, "invalid audit log format " + value + ", allowed formats are \"json\" (\"legacy\" is not served)") },
            "audit-webhook-config-file" => audit with { WebhookConfigFile = value.Length > 0 ? value : null },
            "audit-webhook-initial-backoff" => audit with { WebhookInitialBackoff = Duration(name, value) },
            "audit-webhook-batch-buffer-size" => audit with { WebhookBatchBufferSize = Positive(name, value) },
            "audit-webhook-batch-max-size" => audit with { WebhookBatchMaxSize = Positive(name, value) },
            "audit-webhook-batch-max-wait" => audit with { WebhookBatchMaxWait = Duration(name, value) },
            "audit-webhook-batch-throttle-qps" => audit with { WebhookBatchThrottleQps = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var qps) && qps >= 0 ? qps : throw Bad(name, value, "must be a non-negative number") },
            "audit-webhook-batch-throttle-burst" => audit with { WebhookBatchThrottleBurst = Positive(name, value) },
            _ => audit,
        };
        return name == "tracing-config-file"
            ? options with { TracingConfigFile = Checked(name, value, path => TracingConfiguration.Load(path)) }
            : options with { Audit = audit };
    }

    private static string Checked(string name, string path, Action<string> load)
    {
        try
        {
            load(path);
            return path;
        }
        catch (FormatException e)
        {
            throw Bad(name, path, e.Message);
        }
    }

    private static int Whole(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw Bad(name, value, "must be a whole number (0 for the default)");

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw Bad(name, value, "must be a positive number");

    private static TimeSpan Duration(string name, string value) =>
        Schema.Cel.CelFunctions.TryParseDuration(value, out var d) && d >= TimeSpan.Zero ? d : throw Bad(name, value, "must be a duration such as 10s or 1m0s");

    private static FormatException Bad(string name, string value, string why) => new($"invalid value \"{value}\" for flag --{name}: {why}");
}
