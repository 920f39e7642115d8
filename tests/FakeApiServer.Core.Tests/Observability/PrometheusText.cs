using System.Diagnostics;
using System.Text.Json;

namespace FakeApiServer.Tests.Observability;

/// <summary>
/// A scrape read by Prometheus' own Python client (Debian's python3-prometheus-client, installed by .ci/run): its
/// text_string_to_metric_families must accept the whole document, and gives every family's type and samples.
/// </summary>
internal sealed record PrometheusText(IReadOnlyDictionary<string, string> Types, IReadOnlyList<PrometheusSample> Samples)
{
    private const string Script = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        types, samples = {}, []
        for family in text_string_to_metric_families(sys.stdin.read()):
            types[family.name] = family.type
            for s in family.samples:
                finite = s.value == s.value and s.value not in (float("inf"), float("-inf"))
                samples.append({"name": s.name, "labels": s.labels, "value": s.value if finite else None})
        print(json.dumps({"types": types, "samples": samples}))
        """;

    /// <summary>Parses <paramref name="text"/>; fails the test with the parser's error when it refuses it.</summary>
    public static async Task<PrometheusText> ParseAsync(string text, CancellationToken cancellationToken)
    {
        // Debian's interpreter, where apt installs the client (a pyenv python3 earlier on PATH does not see it).
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        using var process = Process.Start(new ProcessStartInfo(python, ["-c", Script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0, "prometheus_client refused the scrape: " + await error);
        using var json = JsonDocument.Parse(await output);
        var types = json.RootElement.GetProperty("types").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        var samples = json.RootElement.GetProperty("samples").EnumerateArray()
            .Select(s => new PrometheusSample(
                s.GetProperty("name").GetString()!,
                s.GetProperty("labels").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!),
                s.GetProperty("value").ValueKind == JsonValueKind.Null ? double.NaN : s.GetProperty("value").GetDouble()))
            .ToList();
        return new PrometheusText(types, samples);
    }

    /// <summary>The samples named <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public IEnumerable<PrometheusSample> Find(string name, params (string Name, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value));

    /// <summary>The value of the one sample named <paramref name="name"/> with these labels (0 when there is none).</summary>
    public double Value(string name, params (string Name, string Value)[] labels) => Find(name, labels).SingleOrDefault()?.Value ?? 0;
}

internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
