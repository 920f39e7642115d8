using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Tests.Hosting;

namespace FakeApiServer.Faults;

/// <summary>
/// kill -9 at random moments under mixed writes. The real program runs as a child process on a data folder;
/// several writers create, update (PUT with resourceVersion), merge-patch and delete ConfigMaps they own
/// alone, so each knows exactly what it was told was committed. After each kill the server restarts on the
/// same folder, and every key must hold its last acknowledged content, or, for the one write per writer that
/// was in flight, that write's complete result; resourceVersions keep increasing across restarts. A watcher
/// resumes after every restart from the last resourceVersion it saw and must see every acknowledged write
/// exactly once and in order (or be told 410 Expired and re-list).
/// </summary>
internal sealed class CrashScenario(FaultBudget budget, int seed, string workDirectory, TextWriter log)
{
    private const string Namespace = "faults";
    private const string Collection = "api/v1/namespaces/" + Namespace + "/configmaps";
    private const int Writers = 6;
    private const int KeysPerWriter = 8;

    private readonly ScenarioReport _report = new("crash", seed);
    private readonly Random _random = new(seed);

    // Per key, its last acknowledged state (Value null = absent). Each key has one writer, so no races on an entry.
    private readonly ConcurrentDictionary<string, KeyState> _acknowledged = new(StringComparer.Ordinal);

    // Per writer, the write whose answer it never got (the server died under it), if any.
    private readonly PendingWrite?[] _pending = new PendingWrite?[Writers];

    // Every acknowledged create, update or patch: the watcher must have delivered each.
    private readonly ConcurrentBag<AcknowledgedWrite> _writes = [];

    // What the watcher saw, in order, across all restarts.
    private readonly List<WatchedEvent> _events = [];
    private readonly List<(long From, long To)> _expiredGaps = [];
    private long _watchedRevision;
    private long _writeCount;

    public async Task<ScenarioReport> RunAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var data = Path.Combine(workDirectory, "data");
        var crashes = 0;
        var previousMax = 0L;
        var keys = Enumerable.Range(0, Writers).Select(w => Enumerable.Range(0, KeysPerWriter).Select(k => $"cm-{w}-{k}").ToArray()).ToArray();
        foreach (var key in keys.SelectMany(k => k))
        {
            _acknowledged[key] = new KeyState(null, 0);
        }

        for (var generation = 0; ; generation++)
        {
            var last = crashes >= budget.Count || TimeProvider.System.GetElapsedTime(started) >= budget.Time;
            var kubeconfig = Path.Combine(workDirectory, $"kubeconfig-{generation}");
            using var server = ServerProcess.Start("--port=0", "--data-dir", data, "--kubeconfig-out", kubeconfig, "--controllers=namespace,garbage-collector");
            var url = await ServerProcess.WaitForKubeconfigAsync(kubeconfig, server, cancellationToken);
            using var http = new HttpClient { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };

            if (generation == 0)
            {
                await SendOrFailAsync(http, HttpMethod.Post, "api/v1/namespaces", ConfigMapJson(Namespace, null, null), HttpStatusCode.Created, cancellationToken);
                var list = await SendOrFailAsync(http, HttpMethod.Get, Collection, null, HttpStatusCode.OK, cancellationToken);
                _watchedRevision = long.Parse(list!["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);
            }
            else
            {
                previousMax = await VerifyAfterRestartAsync(http, keys, previousMax, cancellationToken);
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var stopWatch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var watcher = Task.Run(() => WatchAsync(http, stopWatch.Token), CancellationToken.None);
            var writers = Enumerable.Range(0, Writers)
                .Select(w => Task.Run(() => WriteAsync(http, w, keys[w], new Random(HashCode.Combine(seed, generation, w)), previousMax, stop.Token), CancellationToken.None))
                .ToArray();

            // The first writes after a start are slow (JIT): wait for some, then kill at a random moment.
            var before = Interlocked.Read(ref _writeCount);
            for (var i = 0; i < 600 && Interlocked.Read(ref _writeCount) < before + 20; i++)
            {
                await Task.Delay(50, cancellationToken);
            }

            await Task.Delay(_random.Next(0, 1000), cancellationToken);
            if (last)
            {
                // No kill: stop writing, let the watcher catch up, and check everything it saw.
                await stop.CancelAsync();
                await Task.WhenAll(writers);
                await VerifyAfterRestartAsync(http, keys, previousMax, cancellationToken);
                await WaitForWatcherAsync(cancellationToken);
                await stopWatch.CancelAsync();
                await watcher;
                break;
            }

            server.KillHard();
            crashes++;
            await server.WaitForExitAsync(cancellationToken);
            await Task.WhenAll(writers);
            await stopWatch.CancelAsync();
            await watcher;
            log.WriteLine($"crash {crashes}: {Interlocked.Read(ref _writeCount)} writes acknowledged so far, watcher at {_watchedRevision}");
        }

        VerifyWatch();
        _report.Set("crashes survived (kill -9, restart)", crashes);
        _report.Set("writes acknowledged", Interlocked.Read(ref _writeCount));
        _report.Add("writes checked after restarts", 0);
        _report.Add("in-flight writes found applied", 0);
        _report.Add("in-flight writes found absent", 0);
        _report.Set("watch events seen", _events.Count);
        _report.Set("watch resumes answered 410 Expired", _expiredGaps.Count);
        _report.Add("acknowledged writes lost", 0);
        _report.Elapsed = TimeProvider.System.GetElapsedTime(started);
        return _report;
    }

    private async Task WriteAsync(HttpClient http, int writer, string[] keys, Random random, long previousMax, CancellationToken cancellationToken)
    {
        for (var sequence = 0; !cancellationToken.IsCancellationRequested; sequence++)
        {
            var key = keys[random.Next(keys.Length)];
            var state = _acknowledged[key];
            var token = $"{writer}-{random.Next():x8}-{sequence}";
            var (method, path, body, contentType, expected) = state.Value is null
                ? (HttpMethod.Post, Collection, ConfigMapJson(key, null, token), "application/json", token)
                : random.Next(3) switch
                {
                    0 => (HttpMethod.Put, $"{Collection}/{key}", ConfigMapJson(key, state.ResourceVersion, token), "application/json", token),
                    1 => (HttpMethod.Patch, $"{Collection}/{key}", new JsonObject { ["data"] = new JsonObject { ["v"] = token } }.ToJsonString(), "application/merge-patch+json", (string?)token),
                    _ => (HttpMethod.Delete, $"{Collection}/{key}", null, null, null),
                };
            _pending[writer] = new PendingWrite(key, expected);
            HttpStatusCode status;
            JsonNode? answer;
            try
            {
                (status, answer) = await KubeHttp.SendAsync(http, method, path, body is null ? null : KubeHttp.Json(body, contentType!), cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                // The server died (or we stopped) under this write: its outcome is unknown until the restart.
                return;
            }

            _pending[writer] = null;
            if (!((int)status is >= 200 and < 300))
            {
                _report.Fail($"{method} {key} answered {(int)status}: {answer?.ToJsonString()}");
                continue;
            }

            Interlocked.Increment(ref _writeCount);
            if (expected is null)
            {
                _acknowledged[key] = new KeyState(null, 0);
                continue;
            }

            var revision = KubeHttp.ResourceVersion(answer!);
            if (revision <= previousMax)
            {
                _report.Fail($"{method} {key} was acknowledged at resourceVersion {revision}, not above {previousMax} acknowledged before the last restart");
            }

            _acknowledged[key] = new KeyState(expected, revision);
            _writes.Add(new AcknowledgedWrite(key, expected, revision));
        }
    }

    /// <summary>Compares every key with what was acknowledged; resolves in-flight writes; returns the highest revision seen.</summary>
    private async Task<long> VerifyAfterRestartAsync(HttpClient http, string[][] keys, long previousMax, CancellationToken cancellationToken)
    {
        var list = await SendOrFailAsync(http, HttpMethod.Get, Collection, null, HttpStatusCode.OK, cancellationToken);
        var listRevision = long.Parse(list!["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        var actual = list["items"]!.AsArray().ToDictionary(
            i => i!["metadata"]!["name"]!.GetValue<string>(),
            i => new KeyState((string?)i!["data"]?["v"], KubeHttp.ResourceVersion(i!)),
            StringComparer.Ordinal);
        var maxAcknowledged = _acknowledged.Values.Select(s => s.ResourceVersion).DefaultIfEmpty(0).Max();
        if (listRevision < Math.Max(maxAcknowledged, previousMax))
        {
            _report.Fail($"after the restart the list is at resourceVersion {listRevision}, below {Math.Max(maxAcknowledged, previousMax)} acknowledged before");
        }

        foreach (var name in actual.Keys.Where(n => !_acknowledged.ContainsKey(n)))
        {
            _report.Fail($"{name} exists but no writer ever wrote it");
        }

        var checkedWrites = 0L;
        for (var writer = 0; writer < Writers; writer++)
        {
            var pending = _pending[writer];
            foreach (var key in keys[writer])
            {
                checkedWrites++;
                var want = _acknowledged[key];
                var have = actual.GetValueOrDefault(key, new KeyState(null, 0));
                if (have.Value == want.Value && (have.Value is null || have.ResourceVersion == want.ResourceVersion))
                {
                    if (pending?.Key == key && pending.Value != want.Value)
                    {
                        _report.Add("in-flight writes found absent", 1);
                    }

                    continue;
                }

                if (pending?.Key == key && have.Value == pending.Value)
                {
                    // The write in flight at the kill was committed: it counts as acknowledged from now on.
                    _report.Add("in-flight writes found applied", 1);
                    _acknowledged[key] = have;
                    if (have.Value is not null)
                    {
                        _writes.Add(new AcknowledgedWrite(key, have.Value, have.ResourceVersion));
                    }

                    continue;
                }

                _report.Add("acknowledged writes lost", 1);
                _report.Fail($"{key}: acknowledged {Describe(want)}, in flight {(pending?.Key == key ? pending.Value ?? "(delete)" : "nothing")}, but found {Describe(have)}");
                _acknowledged[key] = have;
            }

            _pending[writer] = null;
        }

        _report.Add("writes checked after restarts", checkedWrites);
        return Math.Max(listRevision, previousMax);
    }

    private async Task WatchAsync(HttpClient http, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var response = await http.GetAsync(
                    $"{Collection}?watch=1&allowWatchBookmarks=true&resourceVersion={_watchedRevision}",
                    HttpCompletionOption.ResponseHeadersRead,
                    cancellationToken);
                if (response.StatusCode == HttpStatusCode.Gone)
                {
                    await RelistAsync(http, cancellationToken);
                    continue;
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    _report.Fail($"watch from {_watchedRevision} answered {(int)response.StatusCode}");
                    return;
                }

                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
                while (await reader.ReadLineAsync(cancellationToken) is { } line)
                {
                    JsonNode? watchEvent;
                    try
                    {
                        watchEvent = JsonNode.Parse(line);
                    }
                    catch (System.Text.Json.JsonException)
                    {
                        break; // A line cut by the kill.
                    }

                    var type = (string?)watchEvent?["type"];
                    var obj = watchEvent?["object"];
                    if (type == "ERROR")
                    {
                        if ((int?)obj?["code"] == 410)
                        {
                            await RelistAsync(http, cancellationToken);
                            break;
                        }

                        _report.Fail($"watch from {_watchedRevision} sent an ERROR event: {line}");
                        return;
                    }

                    var revision = KubeHttp.ResourceVersion(obj!);
                    if (type == "BOOKMARK")
                    {
                        _watchedRevision = Math.Max(_watchedRevision, revision);
                        continue;
                    }

                    lock (_events)
                    {
                        if (revision <= _watchedRevision)
                        {
                            _report.Fail($"watch event {type} {obj!["metadata"]!["name"]} at {revision} came after {_watchedRevision}: a duplicate or out of order");
                        }

                        _events.Add(new WatchedEvent(type!, obj!["metadata"]!["name"]!.GetValue<string>(), (string?)obj["data"]?["v"], revision));
                        _watchedRevision = Math.Max(_watchedRevision, revision);
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
            {
                return; // The server died or we stopped: resume from _watchedRevision after the restart.
            }
        }
    }

    private async Task RelistAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var list = await SendOrFailAsync(http, HttpMethod.Get, Collection, null, HttpStatusCode.OK, cancellationToken);
        var revision = long.Parse(list!["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        lock (_events)
        {
            _expiredGaps.Add((_watchedRevision, revision));
            _watchedRevision = revision;
        }
    }

    private async Task WaitForWatcherAsync(CancellationToken cancellationToken)
    {
        var target = _writes.Select(w => w.ResourceVersion).DefaultIfEmpty(0).Max();
        for (var i = 0; i < 200 && Volatile.Read(ref _watchedRevision) < target; i++)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    private void VerifyWatch()
    {
        var seen = _events.ToDictionary(e => e.ResourceVersion);
        var checkedCount = 0;
        foreach (var write in _writes.OrderBy(w => w.ResourceVersion))
        {
            if (_expiredGaps.Any(g => write.ResourceVersion > g.From && write.ResourceVersion <= g.To))
            {
                continue;
            }

            checkedCount++;
            if (!seen.TryGetValue(write.ResourceVersion, out var watched))
            {
                _report.Fail($"the watcher never saw the acknowledged write of {write.Key} at {write.ResourceVersion}");
            }
            else if (watched.Name != write.Key || watched.Value != write.Value || watched.Type == "DELETED")
            {
                _report.Fail($"the watcher saw {watched} at {write.ResourceVersion}, but {write.Key}={write.Value} was acknowledged there");
            }
        }

        _report.Set("acknowledged writes checked in the watch", checkedCount);
    }

    private static async Task<JsonNode?> SendOrFailAsync(HttpClient http, HttpMethod method, string path, string? body, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var (status, answer) = await KubeHttp.SendAsync(http, method, path, body is null ? null : KubeHttp.Json(body), cancellationToken);
        if (status != expected)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)status}, not {(int)expected}: {answer?.ToJsonString()}");
        }

        return answer;
    }

    /// <summary>An object with a name, optionally a resourceVersion precondition and <c>data.v</c> (a namespace has neither).</summary>
    private static string ConfigMapJson(string name, long? resourceVersion, string? value)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (resourceVersion is { } revision)
        {
            metadata["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture);
        }

        var obj = new JsonObject { ["metadata"] = metadata };
        if (value is not null)
        {
            obj["data"] = new JsonObject { ["v"] = value };
        }

        return obj.ToJsonString();
    }

    private static string Describe(KeyState state) => state.Value is null ? "absent" : $"v={state.Value} at {state.ResourceVersion}";

    private sealed record KeyState(string? Value, long ResourceVersion);

    private sealed record PendingWrite(string Key, string? Value);

    private sealed record AcknowledgedWrite(string Key, string Value, long ResourceVersion);

    private sealed record WatchedEvent(string Type, string Name, string? Value, long ResourceVersion);
}
