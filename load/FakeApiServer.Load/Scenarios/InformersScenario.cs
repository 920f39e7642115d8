using System.Buffers;
using System.Text.Json;
using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// 20 informers (LIST, then WATCH from the list's resourceVersion) over 5 kinds of 2k objects each, all started at
/// once, against the server in its own process; all must be synced within 1.1x the raw scan: the same 20 LISTs done one
/// after another with HttpClient, reading the bytes without decoding them. Both are timed in alternating rounds once
/// both processes' code is warm, and their medians compared.
/// </summary>
internal sealed class InformersScenario : IScenario
{
    private const int Informers = 20;
    private const double SyncFactor = 1.1;
    private const string Ns = "informers";
    private const int ReadBufferBytes = 64 * 1024;

    /// <summary>
    /// Rounds (the raw scan, the same LISTs at once, the informers' sync) run before the measured ones: after 10 the
    /// server still JIT-compiled 800-1,400 methods over the next 9 rounds (tier-up of its ReadyToRun code), after 30
    /// about 240-480.
    /// </summary>
    private const int WarmUpRounds = 30;

    /// <summary>Rounds whose medians the target compares.</summary>
    private const int MeasuredRounds = 9;

    /// <inheritdoc/>
    public string Name => "informers";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        var perKind = context.Profile.InformerObjects;
        var kinds = ResourceKind.InformerKinds;
        // The server runs as its own process, as users run it: 20 informers parsing 10k objects here must not share its
        // heap and collector.
        await using var server = await ServerUnderTest.StartProcessAsync(context.WorkDir, cancellationToken);
        await server.CreateNamespaceAsync(Ns, cancellationToken);
        context.Progress($"informers: seeding {kinds.Count} kinds x {perKind:N0}");
        foreach (var kind in kinds)
        {
            await server.SeedAsync(0, perKind, i => (kind.Path(Ns), ObjectBodies.Of(kind, Ns, $"i-{i}")), cancellationToken);
        }

        report.OtherRequests += kinds.Count * perKind;

        // One warm LIST of each kind, read as the raw scan reads it, and one warm informer sync of each kind (the list
        // tokenized, then a watch opened and closed), so neither the raw scan nor the informers pay for first-use costs
        // (code compiled on first call, on either side) in what is timed; the warm-up rounds below then let tiered
        // compilation finish.
        foreach (var kind in kinds)
        {
            await HttpDriver.SendAsync(server.Http, HttpDriver.Get(kind.Path(null)), cancellationToken);
            var (_, watcher) = await SyncAsync(server.Http, kind, context.Time, cancellationToken);
            await watcher.DisposeAsync();
        }

        // Each kind once, for reference.
        var onceStart = context.Time.GetTimestamp();
        foreach (var kind in kinds)
        {
            var result = await HttpDriver.SendAsync(server.Http, HttpDriver.Get(kind.Path(null)), cancellationToken);
            report.CheckErrors += result.Ok ? 0 : 1;
        }

        var once = context.Time.GetElapsedTime(onceStart).TotalMilliseconds;

        // Rounds of the raw scan and the informers' sync, alternating in the same seconds. The first round is what this
        // scenario timed alone until session 14: its ~100 ms fell while both processes were still compiling their code
        // to its optimized tier (tens to hundreds of methods each, 40-600 ms of compilation, in each of the first
        // rounds), so one round's ratio ran from 0.66 to 2.80 in session 15 by how far that had got. The target compares
        // the medians of the measured rounds after the warm-up ones, when both sides run the code they keep running.
        var serverCpu = server.ProcessorTime!;
        using var client = System.Diagnostics.Process.GetCurrentProcess();
        var scans = new List<Round>();
        var concurrentScans = new List<Round>();
        var syncs = new List<Round>();
        var unsynced = 0;
        (int Items, EventWatcher Watcher)[] informers = [];
        RuntimeCounters serverBefore = default;
        var clientCompiledBefore = 0L;
        context.Progress($"informers: {WarmUpRounds} warm-up rounds");
        for (var round = 0; round < WarmUpRounds + MeasuredRounds; round++)
        {
            if (round == WarmUpRounds)
            {
                context.Progress($"informers: {MeasuredRounds} measured rounds");
                serverBefore = await RuntimeCounters.ReadAsync(server.Http, cancellationToken);
                clientCompiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
            }

            // The three phases of a round, the informers' sync always between the other two, whose order alternates:
            // whatever one phase leaves behind (the watches' teardown, a collection) falls on each side as often. The first
            // round runs the raw scan then the sync, as the measure until session 14 did.
            if (round % 2 == 0)
            {
                scans.Add(await TimeAsync(client, serverCpu, context.Time, RawScanAsync));
                syncs.Add(await TimeAsync(client, serverCpu, context.Time, SyncAllAsync));
                unsynced += await CloseInformersAsync();
                concurrentScans.Add(await TimeAsync(client, serverCpu, context.Time, ConcurrentScanAsync));
            }
            else
            {
                concurrentScans.Add(await TimeAsync(client, serverCpu, context.Time, ConcurrentScanAsync));
                syncs.Add(await TimeAsync(client, serverCpu, context.Time, SyncAllAsync));
                unsynced += await CloseInformersAsync();
                scans.Add(await TimeAsync(client, serverCpu, context.Time, RawScanAsync));
            }
        }

        // The raw scan: the LISTs the informers make (each kind once per informer), one after another, bytes read and dropped.
        async Task RawScanAsync()
        {
            for (var i = 0; i < Informers; i++)
            {
                var result = await HttpDriver.SendAsync(server.Http, HttpDriver.Get(kinds[i % kinds.Count].Path(null)), cancellationToken);
                report.CheckErrors += result.Ok ? 0 : 1;
            }
        }

        // The same 20 LISTs all at once, bytes read and dropped: not the target's reference, but it tells what the
        // informers' concurrency buys from what their tokenizing and watches cost.
        async Task ConcurrentScanAsync()
        {
            var results = await Task.WhenAll(Enumerable.Range(0, Informers).Select(i => Task.Run(
                async () => await HttpDriver.SendAsync(server.Http, HttpDriver.Get(kinds[i % kinds.Count].Path(null)), cancellationToken), cancellationToken)));
            report.CheckErrors += results.Count(r => !r.Ok);
        }

        // The informers, all started at once; each is synced when its list is read and its watch answered. Timed to
        // the last one synced; their watches are closed after that, untimed.
        async Task SyncAllAsync()
        {
            informers = await Task.WhenAll(Enumerable.Range(0, Informers).Select(i => Task.Run(
                () => SyncAsync(server.Http, kinds[i % kinds.Count], context.Time, cancellationToken), cancellationToken)));
        }

        // Closes the synced informers' watches; returns how many informers listed fewer objects than were seeded.
        async Task<int> CloseInformersAsync()
        {
            foreach (var (_, watcher) in informers)
            {
                await watcher.DisposeAsync();
            }

            return informers.Count(x => x.Items < perKind);
        }

        var serverRuntime = await RuntimeCounters.ReadAsync(server.Http, cancellationToken) - serverBefore;
        var clientCompiled = System.Runtime.JitInfo.GetCompiledMethodCount() - clientCompiledBefore;
        var (measuredScans, measuredSyncs) = (scans[WarmUpRounds..], syncs[WarmUpRounds..]);
        var (scan, sync) = (Median(measuredScans, r => r.Milliseconds), Median(measuredSyncs, r => r.Milliseconds));

        var concurrentScan = Median(concurrentScans[WarmUpRounds..], r => r.Milliseconds);
        report.OtherRequests += (kinds.Count * 4) + ((WarmUpRounds + MeasuredRounds) * Informers * 4) + 2;
        report.CheckErrors += unsynced;
        report.Add("each kind listed once (5 cluster-wide LISTs, sequential)", once, "ms");
        report.Add("first round: raw scan (the measure until session 14)", scans[0].Milliseconds, "ms");
        report.Add("first round: 20 informers synced (the measure until session 14)", syncs[0].Milliseconds, "ms");
        report.Add("first round: sync / raw scan (the target's ratio until session 14)", syncs[0].Milliseconds / scans[0].Milliseconds, "x");
        report.Add($"raw scan: the informers' 20 LISTs, sequential, bytes only (median of {MeasuredRounds} rounds)", scan, "ms");
        report.Add($"all 20 informers synced, listed and watching (median of {MeasuredRounds} rounds)", sync, "ms");
        report.Add($"the same 20 LISTs at once, bytes only (median of {MeasuredRounds} rounds; not the reference)", concurrentScan, "ms");
        report.Add("informers' sync / the same 20 LISTs at once (what tokenizing and the watches add)", sync / concurrentScan, "x");
        report.Add("raw scan, fastest measured round", measuredScans.Min(r => r.Milliseconds), "ms");
        report.Add("raw scan, slowest measured round", measuredScans.Max(r => r.Milliseconds), "ms");
        report.Add("informers' sync, fastest measured round", measuredSyncs.Min(r => r.Milliseconds), "ms");
        report.Add("informers' sync, slowest measured round", measuredSyncs.Max(r => r.Milliseconds), "ms");
        report.Add("informers missing objects", unsynced, "informers");
        report.Add("server CPU per raw scan (mean of the measured rounds)", measuredScans.Average(r => r.ServerCpu), "ms");
        report.Add("server CPU per informers' sync (mean of the measured rounds)", measuredSyncs.Average(r => r.ServerCpu), "ms");
        report.Add("client CPU per raw scan, reading bytes (mean of the measured rounds)", measuredScans.Average(r => r.ClientCpu), "ms");
        report.Add("client CPU per informers' sync, tokenizing (mean of the measured rounds)", measuredSyncs.Average(r => r.ClientCpu), "ms");
        report.Add("server garbage collections over the measured rounds", serverRuntime.Collections, "collections");
        report.Add("server GC pause over the measured rounds", serverRuntime.PauseSeconds * 1000, "ms");
        report.Add("server methods JIT-compiled over the measured rounds", serverRuntime.CompiledMethods, "methods");
        report.Add("client methods JIT-compiled over the measured rounds", clientCompiled, "methods");
        report.Targets.Add(TargetVerdict.Max("20 informers synced within 1.1x the raw scan", sync, scan, SyncFactor, "ms"));
        report.Notes.Add("informers tokenize each list as it streams in (Utf8JsonReader: every token read and validated, no DOM, no whole-body buffer) and count its items; the raw scan only reads the bytes; the server runs as its own process");
        report.Notes.Add($"{WarmUpRounds} warm-up rounds then {MeasuredRounds} measured ones, each a raw scan, the same LISTs at once, then the informers' sync; the target compares the medians of the measured rounds (until session 14 it compared the first round alone, reported above)");
        var everyRound = scans.Select((scanRound, i) => string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{(i == WarmUpRounds ? "| " : "")}{scanRound.Milliseconds:0} / {concurrentScans[i].Milliseconds:0} / {syncs[i].Milliseconds:0}"));
        report.Notes.Add($"every round, ms (raw scan / LISTs at once / sync; the measured ones after the bar): {string.Join(", ", everyRound)}");
        if (context.Profile.Name != "full")
        {
            report.Notes.Add($"{context.Profile.Name}: {perKind:N0} objects per kind instead of 2k");
        }
    }

    /// <summary>Runs <paramref name="phase"/> and returns its wall time and the server's and this process's CPU over it.</summary>
    private static async Task<Round> TimeAsync(System.Diagnostics.Process client, Func<TimeSpan> serverCpu, TimeProvider time, Func<Task> phase)
    {
        client.Refresh();
        var (server0, client0) = (serverCpu(), client.TotalProcessorTime);
        var start = time.GetTimestamp();
        await phase();
        var elapsed = time.GetElapsedTime(start).TotalMilliseconds;
        client.Refresh();
        return new Round(elapsed, (serverCpu() - server0).TotalMilliseconds, (client.TotalProcessorTime - client0).TotalMilliseconds);
    }

    private static double Median(List<Round> rounds, Func<Round, double> value)
    {
        var sorted = rounds.Select(value).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static async Task<(int Items, EventWatcher Watcher)> SyncAsync(HttpClient http, ResourceKind kind, TimeProvider time, CancellationToken cancellationToken)
    {
        using var request = HttpDriver.Get(kind.Path(null));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if ((int)response.StatusCode != 200)
        {
            throw new InvalidOperationException($"LIST {kind.Plural} answered {(int)response.StatusCode}");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var (rv, items) = await ReadListAsync(body, cancellationToken);
        var watcher = await EventWatcher.OpenAsync(http, $"{kind.Path(null)}?watch=true&resourceVersion={rv}&allowWatchBookmarks=true", time, cancellationToken);
        return (items, watcher);
    }

    /// <summary>
    /// The list's resourceVersion and its items, tokenized as the body streams in (every byte is read and validated,
    /// no DOM and no whole-body buffer), as a reflector filling its store keyed by name would: on a 2-core machine the
    /// client must not cost more than the server it measures. The body is read into one buffer and a token cut by the
    /// end of a read is moved to its front, so the reader always tokenizes one contiguous span (on a multi-segment
    /// sequence Utf8JsonReader takes its slower path for every token).
    /// </summary>
    private static async Task<(string? ResourceVersion, int Items)> ReadListAsync(Stream body, CancellationToken cancellationToken)
    {
        var scan = new ListScan();
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            var held = 0;
            while (true)
            {
                if (held == buffer.Length)
                {
                    // One token longer than the buffer: make room for the rest of it.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, held).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(held), cancellationToken);
                var length = held + read;
                var consumed = scan.Feed(buffer.AsSpan(0, length), final: read == 0);
                if (read == 0)
                {
                    return (scan.ResourceVersion, scan.Items);
                }

                held = length - consumed;
                buffer.AsSpan(consumed, held).CopyTo(buffer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One timed phase: its wall time and the server's and the client's CPU over it, in ms.</summary>
    private readonly record struct Round(double Milliseconds, double ServerCpu, double ClientCpu);

    /// <summary>A resumable scan of a list body for metadata.resourceVersion and the number of items.</summary>
    private sealed class ListScan
    {
        private JsonReaderState _state;
        private string? _topProperty;
        private bool _resourceVersionNext;

        public string? ResourceVersion { get; private set; }

        public int Items { get; private set; }

        /// <summary>Reads the complete tokens of <paramref name="buffer"/>; returns the bytes consumed.</summary>
        public int Feed(ReadOnlySpan<byte> buffer, bool final)
        {
            var reader = new Utf8JsonReader(buffer, final, _state);
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                        _topProperty = reader.ValueTextEquals("items"u8) ? "items" : reader.ValueTextEquals("metadata"u8) ? "metadata" : "";
                        break;
                    case JsonTokenType.PropertyName when reader.CurrentDepth == 2 && _topProperty == "metadata":
                        _resourceVersionNext = reader.ValueTextEquals("resourceVersion"u8);
                        break;
                    case JsonTokenType.String when _resourceVersionNext:
                        ResourceVersion = reader.GetString();
                        _resourceVersionNext = false;
                        break;
                    case JsonTokenType.StartObject when reader.CurrentDepth == 2 && _topProperty == "items":
                        Items++;
                        break;
                }
            }

            _state = reader.CurrentState;
            return (int)reader.BytesConsumed;
        }
    }
}
