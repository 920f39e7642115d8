using System.Buffers;
using System.Text.Json;
using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// 20 informers (LIST, then WATCH from the list's resourceVersion) over 5 kinds of 2k objects each, all started at
/// once, against the server in its own process; all must be synced within 1.1x the raw scan: the same 20 LISTs done one
/// after another with HttpClient, reading the bytes without decoding them.
/// </summary>
internal sealed class InformersScenario : IScenario
{
    private const int Informers = 20;
    private const double SyncFactor = 1.1;
    private const string Ns = "informers";
    private const int ReadBufferBytes = 64 * 1024;

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
        // (code compiled on first call, on either side) in what is timed.
        foreach (var kind in kinds)
        {
            await HttpDriver.SendAsync(server.Http, HttpDriver.Get(kind.Path(null)), cancellationToken);
            var (_, watcher) = await SyncAsync(server.Http, kind, context.Time, cancellationToken);
            await watcher.DisposeAsync();
        }

        // The raw scan: the LISTs the informers make (each kind once per informer), one after another, bytes read and
        // dropped. Also timed: each kind once (a fifth of that), for reference.
        context.Progress("informers: raw scan");
        var onceStart = context.Time.GetTimestamp();
        foreach (var kind in kinds)
        {
            var result = await HttpDriver.SendAsync(server.Http, HttpDriver.Get(kind.Path(null)), cancellationToken);
            report.CheckErrors += result.Ok ? 0 : 1;
        }

        var once = context.Time.GetElapsedTime(onceStart).TotalMilliseconds;
        var serverCpu = server.ProcessorTime!;
        using var client = System.Diagnostics.Process.GetCurrentProcess();
        var (scanServer, scanClient) = (serverCpu(), client.TotalProcessorTime);
        var scanStart = context.Time.GetTimestamp();
        for (var i = 0; i < Informers; i++)
        {
            var result = await HttpDriver.SendAsync(server.Http, HttpDriver.Get(kinds[i % kinds.Count].Path(null)), cancellationToken);
            report.CheckErrors += result.Ok ? 0 : 1;
        }

        var scan = context.Time.GetElapsedTime(scanStart).TotalMilliseconds;
        client.Refresh();
        (scanServer, scanClient) = (serverCpu() - scanServer, client.TotalProcessorTime - scanClient);

        context.Progress($"informers: {Informers} informers list then watch");
        var (syncServer, syncClient) = (serverCpu(), client.TotalProcessorTime);
        var syncStart = context.Time.GetTimestamp();
        var informers = await Task.WhenAll(Enumerable.Range(0, Informers).Select(i => Task.Run(
            () => SyncAsync(server.Http, kinds[i % kinds.Count], context.Time, cancellationToken), cancellationToken)));
        var sync = context.Time.GetElapsedTime(syncStart).TotalMilliseconds;
        client.Refresh();
        (syncServer, syncClient) = (serverCpu() - syncServer, client.TotalProcessorTime - syncClient);
        var unsynced = informers.Count(x => x.Items < perKind);
        foreach (var (_, watcher) in informers)
        {
            await watcher.DisposeAsync();
        }

        report.OtherRequests += (kinds.Count * 4) + (Informers * 3);
        report.CheckErrors += unsynced;
        report.Add("each kind listed once (5 cluster-wide LISTs, sequential)", once, "ms");
        report.Add("raw scan: the informers' 20 LISTs, sequential, bytes only", scan, "ms");
        report.Add("all 20 informers synced (listed and watching)", sync, "ms");
        report.Add("informers missing objects", unsynced, "informers");
        report.Add("server CPU over the raw scan", scanServer.TotalMilliseconds, "ms");
        report.Add("server CPU over the informers' sync", syncServer.TotalMilliseconds, "ms");
        report.Add("client CPU over the raw scan (reading bytes)", scanClient.TotalMilliseconds, "ms");
        report.Add("client CPU over the informers' sync (tokenizing)", syncClient.TotalMilliseconds, "ms");
        report.Targets.Add(TargetVerdict.Max("20 informers synced within 1.1x the raw scan", sync, scan, SyncFactor, "ms"));
        report.Notes.Add("informers tokenize each list as it streams in (Utf8JsonReader: every token read and validated, no DOM, no whole-body buffer) and count its items; the raw scan only reads the bytes; the server runs as its own process");
        if (context.Profile.Name != "full")
        {
            report.Notes.Add($"{context.Profile.Name}: {perKind:N0} objects per kind instead of 2k");
        }
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
