using System.Text.Json;
using System.Text.Json.Serialization;

namespace FakeApiServer.Load.Harness;

/// <summary>Writes a run's reports as JSON, for tools that compare runs.</summary>
internal static class JsonReportWriter
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes <paramref name="path"/>.</summary>
    public static async Task WriteAsync(string path, RunSummary summary, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, summary, Options, cancellationToken);
    }
}
