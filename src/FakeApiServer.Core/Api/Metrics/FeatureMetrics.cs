using System.Diagnostics.Metrics;
using System.Text;
using FakeApiServer.Features;

namespace FakeApiServer.Api.Metrics;

/// <summary>
/// The kubernetes_feature_enabled gauge as kube-apiserver exposes it on /metrics (component-base
/// metrics/prometheus/feature): one sample per gate, labelled with its name and stage (ALPHA, BETA, "" for GA,
/// DEPRECATED), 1 when enabled, in the Prometheus text format with samples sorted by label values.
/// </summary>
internal static class FeatureMetrics
{
    public const string Name = "kubernetes_feature_enabled";

    /// <summary>The help text, with the [BETA] stability prefix the metrics framework adds.</summary>
    public const string Help = "[BETA] This metric records the data about the stage and enablement of a k8s feature.";

    /// <summary>The meter of the gauge when metrics are on.</summary>
    public const string MeterName = Observability.Metrics.ServerMetrics.MeterPrefix + "Features";

    /// <summary>The gauge as an instrument of the host's meters: one measurement per gate, as <see cref="Write"/> writes them.</summary>
    public static void Observe(IMeterFactory meters, FeatureGates gates)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(gates);
        var samples = gates.Specs
            .Select(spec => new Measurement<int>(gates.Enabled(spec.Name) ? 1 : 0, new KeyValuePair<string, object?>("name", spec.Name), new KeyValuePair<string, object?>("stage", spec.Stage.Label())))
            .ToArray();
        meters.Create(MeterName).CreateObservableGauge(Name, () => samples, unit: null, description: Help);
    }

    /// <summary>The HELP and TYPE lines and one sample per gate.</summary>
    public static void Write(StringBuilder text, FeatureGates gates)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(gates);
        text.Append("# HELP ").Append(Name).Append(' ').Append(Help).Append('\n');
        text.Append("# TYPE ").Append(Name).Append(" gauge\n");
        foreach (var spec in gates.Specs)
        {
            text.Append(Name)
                .Append("{name=\"").Append(spec.Name)
                .Append("\",stage=\"").Append(spec.Stage.Label())
                .Append("\"} ").Append(gates.Enabled(spec.Name) ? '1' : '0').Append('\n');
        }
    }
}
