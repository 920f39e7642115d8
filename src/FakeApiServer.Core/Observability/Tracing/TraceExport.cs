using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FakeApiServer.Observability.Tracing;

/// <summary>
/// Whether and where the server's spans are exported: over OTLP (gRPC) when --tracing-config-file names a
/// TracingConfiguration (its endpoint; sampled as upstream samples: a sampled client parent is followed, else
/// samplingRatePerMillion), or when the standard OpenTelemetry variables ask for it (OTEL_TRACES_EXPORTER=otlp, or an
/// OTEL_EXPORTER_OTLP_ENDPOINT / OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, read by the exporter itself; OTEL_SDK_DISABLED=true
/// wins). Otherwise nothing listens and nothing is exported.
/// </summary>
internal static class TraceExport
{
    /// <summary>upstream's service name for kube-apiserver's spans.</summary>
    public const string ServiceName = "apiserver";

    /// <summary>The tracer provider to run for the server's lifetime, or null when tracing is not asked for.</summary>
    public static TracerProvider? Start(string? configFile, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (configFile is not null)
        {
            var config = TracingConfiguration.Load(configFile);
            var endpoint = config.Endpoint.Contains("://", StringComparison.Ordinal) ? config.Endpoint : "http://" + config.Endpoint;
            return Builder()
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(config.SamplingRatePerMillion / 1_000_000.0)))
                .AddOtlpExporter(o =>
                {
                    o.Endpoint = new Uri(endpoint);
                    o.Protocol = OtlpExportProtocol.Grpc;
                })
                .Build();
        }

        return AskedByEnvironment(environment) ? Builder().AddOtlpExporter().Build() : null;
    }

    /// <summary>Whether the OTEL_* variables ask for an OTLP trace exporter.</summary>
    public static bool AskedByEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (string.Equals(environment("OTEL_SDK_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (environment("OTEL_TRACES_EXPORTER") is { Length: > 0 } exporters)
        {
            return exporters.Split(',', StringSplitOptions.TrimEntries).Contains("otlp", StringComparer.Ordinal);
        }

        return environment("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } || environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") is { Length: > 0 };
    }

    private static TracerProviderBuilder Builder() =>
        Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService(ServiceName, serviceInstanceId: Environment.MachineName + "-" + Environment.ProcessId))
            .AddSource(ApiServerTracing.SourceName, ApiServerTracing.StorageSourceName);
}
