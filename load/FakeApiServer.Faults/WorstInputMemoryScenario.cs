using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using FakeApiServer.Testing;

namespace FakeApiServer.Faults;

/// <summary>
/// Memory under the worst inputs of issue 24: 10 clients each send, in a loop, a recursive YAML alias (create and
/// apply), a billion-laughs YAML body and a JSON patch of 20 doubling copy operations, for the budget's time. The
/// resident set (of this process, which hosts the server; the clients' share is small) is sampled every 250 ms and
/// must stay under 200 MiB; every answer must be a 4xx.
/// </summary>
internal sealed class WorstInputMemoryScenario(FaultBudget budget, int seed)
{
    private const int Clients = 10;
    private const long MaxResidentBytes = 200L * 1024 * 1024;
    private const string ConfigMaps = "api/v1/namespaces/default/configmaps";

    private readonly ScenarioReport _report = new("worst-input", seed);
    private readonly ConcurrentDictionary<string, long> _answers = new(StringComparer.Ordinal);

    public async Task<ScenarioReport> RunAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        await using var cluster = await FakeCluster.StartAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var (created, _) = await KubeHttp.SendAsync(http, HttpMethod.Post, ConfigMaps,
            KubeHttp.Json("""{"metadata":{"name":"amp"},"data":{"x":"0123456789012345678901234567890123456789012345678901234567890123"}}"""), cancellationToken);
        if (created != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"creating the target answered {(int)created}");
        }

        // WORST_ONLY=copies (or laughs, alias) measures one input alone.
        var inputs = Inputs().Where(i => Environment.GetEnvironmentVariable("WORST_ONLY") is not { } only || i.Name.Contains(only, StringComparison.Ordinal)).ToArray();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseline = process.WorkingSet64;
        long peak = baseline;
        long sent = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(budget.Time);
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                try
                {
                    await Task.Delay(250, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }, CancellationToken.None);
        var clients = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            for (var i = client; !stop.IsCancellationRequested && Interlocked.Read(ref sent) < budget.Count; i++)
            {
                var (name, method, path, contentType, body) = inputs[i % inputs.Length];
                using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                try
                {
                    using var response = await http.SendAsync(request, stop.Token);
                    var code = (int)response.StatusCode;
                    _answers.AddOrUpdate($"{name}: {code}", 1, (_, n) => n + 1);
                    if (code is < 400 or >= 500)
                    {
                        _report.Fail($"{name} answered {code}");
                    }

                    Interlocked.Increment(ref sent);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(clients);
        await stop.CancelAsync();
        await sampler;

        _report.Set("requests answered", sent);
        foreach (var (answer, count) in _answers.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            _report.Set("answered " + answer, count);
        }

        _report.Set("resident MiB at start", baseline / (1024 * 1024));
        _report.Set("resident MiB at peak", peak / (1024 * 1024));
        if (peak > MaxResidentBytes)
        {
            _report.Fail($"the resident set reached {peak / (1024 * 1024)} MiB, over 200 MiB");
        }

        _report.Elapsed = TimeProvider.System.GetElapsedTime(started);
        return _report;
    }

    private static (string Name, HttpMethod Method, string Path, string ContentType, byte[] Body)[] Inputs()
    {
        var laughs = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\ndata:\n  a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var i = 1; i < 10; i++)
        {
            laughs.Append(System.Globalization.CultureInfo.InvariantCulture, $"  a{i}: &a{i} [{string.Join(",", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        }

        var copies = new StringBuilder("[");
        for (var i = 0; i < 20; i++)
        {
            copies.Append(i == 0 ? "" : ",")
                .Append("""{"op":"copy","from":"/data","path":"/metadata/annotations"},{"op":"copy","from":"/metadata/annotations","path":"/data/c""")
                .Append(i).Append("\"}");
        }

        const string recursive = "apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: rec, labels: *m}\n";
        return
        [
            ("recursive alias (create)", HttpMethod.Post, ConfigMaps, "application/yaml", Encoding.UTF8.GetBytes(recursive)),
            ("recursive alias (apply)", HttpMethod.Patch, ConfigMaps + "/rec?fieldManager=worst", "application/apply-patch+yaml", Encoding.UTF8.GetBytes(recursive)),
            ("billion laughs", HttpMethod.Post, ConfigMaps, "application/yaml", Encoding.UTF8.GetBytes(laughs.ToString())),
            ("20 doubling copies", HttpMethod.Patch, ConfigMaps + "/amp", "application/json-patch+json", Encoding.UTF8.GetBytes(copies.Append(']').ToString())),
        ];
    }
}
