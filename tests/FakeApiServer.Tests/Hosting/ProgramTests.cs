using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace FakeApiServer.Tests.Hosting;

/// <summary>The fakeapiserver program as users run it: flags, the start-up line, signals, and crash durability.</summary>
public sealed class ProgramTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fakeapiserver-program-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Unknown_flag_prints_one_line_and_exits_with_code_2()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var server = ServerProcess.Start("--in-memory", "--no-such-flag");

        var code = await server.WaitForExitAsync(cts.Token);

        Assert.Equal(2, code);
        Assert.Equal("Error: unknown flag: --no-such-flag", server.Stderr.Trim());
    }

    [Fact]
    public async Task Sigterm_ends_open_watches_and_exits_with_code_0()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var kubeconfig = Path.Combine(_dir, "kubeconfig");
        using var server = ServerProcess.Start("--in-memory", "--port=0", "--kubeconfig-out", kubeconfig);
        var url = await ServerProcess.WaitForKubeconfigAsync(kubeconfig, server, cts.Token);
        using var http = new HttpClient { BaseAddress = url };
        // A watch no object matches (the controllers write ConfigMaps such as kube-root-ca.crt): only its end is read.
        using var watch = await http.GetAsync("api/v1/namespaces/default/configmaps?watch=true&labelSelector=test%3Dsigterm", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var stream = await watch.Content.ReadAsStreamAsync(cts.Token);

        server.Terminate();
        var rest = await new StreamReader(stream).ReadToEndAsync(cts.Token);
        var code = await server.WaitForExitAsync(cts.Token);

        Assert.Equal(HttpStatusCode.OK, watch.StatusCode);
        Assert.Equal("", rest);
        Assert.Equal(0, code);
        Assert.Contains($"FakeApiServer is serving on {url} (kubeconfig: {kubeconfig})", server.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acknowledged_creates_survive_kill_9_and_revisions_keep_growing()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var data = Path.Combine(_dir, "data");
        var kubeconfig = Path.Combine(_dir, "kubeconfig");
        var acknowledged = new ConcurrentDictionary<string, long>();
        using (var server = ServerProcess.Start("--port=0", "--data-dir", data, "--kubeconfig-out", kubeconfig))
        {
            var url = await ServerProcess.WaitForKubeconfigAsync(kubeconfig, server, cts.Token);
            using var http = new HttpClient { BaseAddress = url };
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var name = $"cm-{w}-{i}";
                    try
                    {
                        using var response = await http.PostAsync("api/v1/namespaces/default/configmaps",
                            Json(ConfigMap(name)), stop.Token);
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            var created = JsonNode.Parse(await response.Content.ReadAsStringAsync(stop.Token))!;
                            acknowledged[name] = long.Parse(created["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                    {
                        return;
                    }
                }
            })).ToArray();

            while (acknowledged.Count < 300)
            {
                await Task.Delay(10, cts.Token);
            }

            server.KillHard();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        File.Delete(kubeconfig);
        using var restarted = ServerProcess.Start("--port=0", "--data-dir", data, "--kubeconfig-out", kubeconfig);
        var again = await ServerProcess.WaitForKubeconfigAsync(kubeconfig, restarted, cts.Token);
        using var client = new HttpClient { BaseAddress = again };
        var list = JsonNode.Parse(await client.GetStringAsync("api/v1/namespaces/default/configmaps", cts.Token))!;
        var names = list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToHashSet();
        using var next = await client.PostAsync("api/v1/namespaces/default/configmaps", Json("""{"metadata":{"name":"after-restart"}}"""), cts.Token);
        var nextRv = long.Parse(JsonNode.Parse(await next.Content.ReadAsStringAsync(cts.Token))!["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);

        Assert.True(acknowledged.Count >= 300);
        var lost = acknowledged.Keys.Where(n => !names.Contains(n)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged creates were lost: {string.Join(", ", lost.Take(10))}");
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        Assert.True(nextRv > acknowledged.Values.Max(), $"revision {nextRv} after the restart is not above {acknowledged.Values.Max()}");
    }

    private static string ConfigMap(string name) =>
        new JsonObject { ["metadata"] = new JsonObject { ["name"] = name }, ["data"] = new JsonObject { ["k"] = new string('x', 2048) } }.ToJsonString();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
