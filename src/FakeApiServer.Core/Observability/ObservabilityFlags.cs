using System.Globalization;
using FakeApiServer.Hosting;
using FakeApiServer.Observability.Audit;
using FakeApiServer.Observability.Tracing;

namespace FakeApiServer.Observability;

/// <summary>The --audit-* and --tracing-config-file flags (kube-apiserver's names and meanings), read into <see cref="FakeApiServerOptions"/>.</summary>
internal static class ObservabilityFlags
{
    public static readonly string[] Names =
    [
        "audit-policy-file", "audit-log-path", "audit-log-maxsize", "audit-log-maxbackup", "audit-log-maxage", "audit-log-format",
        "audit-webhook-config-file", "audit-webhook-initial-backoff", "audit-webhook-batch-buffer-size", "audit-webhook-batch-max-size",
        "audit-webhook-batch-max-wait", "audit-webhook-batch-throttle-qps", "audit-webhook-batch-throttle-burst", "tracing-config-file",
    ];

    public static bool Handles(string name) => Names.Contains(name);

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
