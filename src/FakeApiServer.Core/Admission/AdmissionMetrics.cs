using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FakeApiServer.Admission;

/// <summary>
/// kube-apiserver's admission latencies (k8s.io/apiserver admission/metrics), in seconds: each phase of the chain
/// (apiserver_admission_step_admission_duration_seconds), each plugin (..._controller_admission_duration_seconds, by
/// plugin name) and each webhook call (..._webhook_admission_duration_seconds, by webhook name); labelled with the type
/// (admit for the mutating phase, validate), the operation (CREATE, UPDATE, DELETE, CONNECT) and whether it refused.
/// </summary>
internal sealed class AdmissionMetrics
{
    public const string MeterName = Observability.Metrics.ServerMetrics.MeterPrefix + "Admission";

    /// <summary>Upstream's buckets of the step and plugin latencies.</summary>
    private static readonly double[] Buckets = [0.005, 0.025, 0.1, 0.5, 1.0, 2.5];

    /// <summary>Upstream's buckets of the webhook latencies (a call may take up to its timeout, 30 s at most).</summary>
    private static readonly double[] WebhookBuckets = [0.005, 0.025, 0.1, 0.5, 1.0, 2.5, 10, 25];

    private readonly Histogram<double> _step;
    private readonly Histogram<double> _controller;
    private readonly Histogram<double> _webhook;

    public AdmissionMetrics(IMeterFactory meters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Time = time;
        var meter = meters.Create(MeterName);
        _step = meter.CreateHistogram<double>(
            "apiserver_admission_step_admission_duration_seconds", unit: null,
            description: "[STABLE] Admission sub-step latency histogram in seconds, broken out for each operation and API resource and step type (validate or admit).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
        _controller = meter.CreateHistogram<double>(
            "apiserver_admission_controller_admission_duration_seconds", unit: null,
            description: "[STABLE] Admission controller latency histogram in seconds, identified by name and broken out for each operation and API resource and type (validate or admit).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
        _webhook = meter.CreateHistogram<double>(
            "apiserver_admission_webhook_admission_duration_seconds", unit: null,
            description: "[STABLE] Admission webhook latency histogram in seconds, identified by name and broken out for each operation and API resource and type (validate or admit).",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = WebhookBuckets });
    }

    /// <summary>The clock the latencies are measured with.</summary>
    public TimeProvider Time { get; }

    /// <summary>The type label of the mutating phase.</summary>
    public const string Admit = "admit";

    /// <summary>The type label of the validating phase.</summary>
    public const string Validate = "validate";

    public void ObserveStep(long started, string type, AdmissionOperation operation, bool rejected) =>
        _step.Record(Time.GetElapsedTime(started).TotalSeconds, new TagList { { "type", type }, { "operation", OperationLabel(operation) }, { "rejected", rejected ? "true" : "false" } });

    public void ObservePlugin(long started, string name, string type, AdmissionOperation operation, bool rejected) =>
        _controller.Record(Time.GetElapsedTime(started).TotalSeconds, new TagList { { "name", name }, { "type", type }, { "operation", OperationLabel(operation) }, { "rejected", rejected ? "true" : "false" } });

    public void ObserveWebhook(long started, string name, string type, AdmissionOperation operation, bool rejected) =>
        _webhook.Record(Time.GetElapsedTime(started).TotalSeconds, new TagList { { "name", name }, { "type", type }, { "operation", OperationLabel(operation) }, { "rejected", rejected ? "true" : "false" } });

    private static string OperationLabel(AdmissionOperation operation) => operation switch
    {
        AdmissionOperation.Create => "CREATE",
        AdmissionOperation.Update => "UPDATE",
        AdmissionOperation.Delete => "DELETE",
        _ => "CONNECT",
    };
}
