using System.Globalization;

namespace FakeApiServer.Load.Harness;

/// <summary>
/// A server's .NET runtime counters as its /metrics page shows them at one moment: garbage collections (all
/// generations), their pause time, and the methods its JIT compiled (tier-up recompilations included). Two readings
/// around a phase say whether a collection or a compilation fell inside it. All zero when the server serves no metrics.
/// </summary>
internal readonly record struct RuntimeCounters(double Collections, double PauseSeconds, double CompiledMethods)
{
    /// <summary>Reads the counters now.</summary>
    public static async Task<RuntimeCounters> ReadAsync(HttpClient http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var response = await http.GetAsync("/metrics", cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return default;
        }

        var (collections, pause, compiled) = (0.0, 0.0, 0.0);
        foreach (var line in (await response.Content.ReadAsStringAsync(cancellationToken)).Split('\n'))
        {
            var space = line.LastIndexOf(' ');
            if (space < 0 || line.StartsWith('#')
                || !double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            if (line.StartsWith("dotnet_gc_collections{", StringComparison.Ordinal))
            {
                collections += value;
            }
            else if (line.StartsWith("dotnet_gc_pause_time{", StringComparison.Ordinal))
            {
                pause = value;
            }
            else if (line.StartsWith("dotnet_jit_compiled_methods{", StringComparison.Ordinal))
            {
                compiled = value;
            }
        }

        return new RuntimeCounters(collections, pause, compiled);
    }

    /// <summary>What changed from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public static RuntimeCounters operator -(RuntimeCounters after, RuntimeCounters before) =>
        new(after.Collections - before.Collections, after.PauseSeconds - before.PauseSeconds, after.CompiledMethods - before.CompiledMethods);
}
