using System.Text.Json.Nodes;
using FakeApiServer.Api;

namespace FakeApiServer.Observability.Tracing;

/// <summary>
/// --tracing-config-file: upstream's TracingConfiguration (kind TracingConfiguration of apiserver.config.k8s.io v1,
/// v1beta1 or v1alpha1): the OTLP gRPC endpoint (host:port, default localhost:4317) and how many spans in a million
/// are sampled (default 0; a client's sampled parent is always followed).
/// </summary>
public sealed record TracingConfiguration
{
    /// <summary>Upstream's default collector address.</summary>
    public const string DefaultEndpoint = "localhost:4317";

    private static readonly string[] ApiVersions = ["apiserver.config.k8s.io/v1", "apiserver.config.k8s.io/v1beta1", "apiserver.config.k8s.io/v1alpha1"];

    public string Endpoint { get; init; } = DefaultEndpoint;

    public int SamplingRatePerMillion { get; init; }

    /// <summary>Reads a configuration file; <see cref="FormatException"/> when it is not a valid one.</summary>
    public static TracingConfiguration Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"tracing-config-file {path} does not exist", e);
        }

        JsonObject config;
        try
        {
            config = YamlJson.Parse(bytes) as JsonObject ?? throw new FormatException("failed to read tracing config: not an object");
        }
        catch (ApiException e)
        {
            throw new FormatException("failed to read tracing config: " + e.Message, e);
        }

        var apiVersion = config["apiVersion"]?.GetValue<string>();
        if (!ApiVersions.Contains(apiVersion) || config["kind"]?.GetValue<string>() != "TracingConfiguration")
        {
            throw new FormatException($"failed to read tracing config: expected kind TracingConfiguration of {string.Join(", ", ApiVersions)}");
        }

        var rate = config["samplingRatePerMillion"] is JsonValue value && value.TryGetValue<long>(out var given) ? given : 0;
        if (rate is < 0 or > 1_000_000)
        {
            throw new FormatException($"failed to validate tracing configuration: samplingRatePerMillion: Invalid value: {rate}: sampling rate must be between 0 and 1000000");
        }

        var endpoint = config["endpoint"]?.GetValue<string>() ?? DefaultEndpoint;
        return new TracingConfiguration { Endpoint = endpoint.Length > 0 ? endpoint : DefaultEndpoint, SamplingRatePerMillion = (int)rate };
    }
}
