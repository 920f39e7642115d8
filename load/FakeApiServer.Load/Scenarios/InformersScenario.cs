using System.Text.Json;
using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// 20 informers (LIST, then WATCH from the list's resourceVersion) over 5 kinds of 2k objects each, all started at
/// once, against the server in its own process; all must be synced within 3x the raw scan (the same 5 LISTs done once,
/// sequentially, with HttpClient).
/// </summary>
internal sealed class InformersScenario : IScenario
{
    private const int Informers = 20;
    private const double SyncFactor = 3;
    private const string Ns = "informers";

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

        // One warm LIST of each kind, so neither side pays for first-use costs.
        foreach (var kind in kinds)
        {
            await HttpDriver.SendAsync(server.Http, HttpDriver.Get(kind.Path(null)), cancellationToken);
        }

        context.Progress("informers: raw scan");
        var scanStart = context.Time.GetTimestamp();
        foreach (var kind in kinds)
        {
            var result = await HttpDriver.SendAsync(server.Http, HttpDriver.Get(kind.Path(null)), cancellationToken);
            report.CheckErrors += result.Ok ? 0 : 1;
        }

        var scan = context.Time.GetElapsedTime(scanStart).TotalMilliseconds;

        context.Progress($"informers: {Informers} informers list then watch");
        var syncStart = context.Time.GetTimestamp();
        var informers = await Task.WhenAll(Enumerable.Range(0, Informers).Select(i => Task.Run(
            () => SyncAsync(server.Http, kinds[i % kinds.Count], context.Time, cancellationToken), cancellationToken)));
        var sync = context.Time.GetElapsedTime(syncStart).TotalMilliseconds;
        var unsynced = informers.Count(x => x.Items < perKind);
        foreach (var (_, watcher) in informers)
        {
            await watcher.DisposeAsync();
        }

        report.OtherRequests += kinds.Count + (Informers * 2);
        report.CheckErrors += unsynced;
        report.Add("raw scan: 5 cluster-wide LISTs, sequential", scan, "ms");
        report.Add("all 20 informers synced (listed and watching)", sync, "ms");
        report.Add("informers missing objects", unsynced, "informers");
        report.Targets.Add(TargetVerdict.Max("20 informers synced within 3x the raw scan", sync, scan, SyncFactor, "ms"));
        report.Notes.Add("informers tokenize each list (Utf8JsonReader: every token read and validated, no DOM) and count its items; the raw scan only reads the bytes; the server runs as its own process");
        if (context.Profile.Name != "full")
        {
            report.Notes.Add($"{context.Profile.Name}: {perKind:N0} objects per kind instead of 2k");
        }
    }

    private static async Task<(int Items, EventWatcher Watcher)> SyncAsync(HttpClient http, ResourceKind kind, TimeProvider time, CancellationToken cancellationToken)
    {
        var (status, body) = await HttpDriver.SendForBodyAsync(http, HttpDriver.Get(kind.Path(null)), cancellationToken);
        if (status != 200)
        {
            throw new InvalidOperationException($"LIST {kind.Plural} answered {status}");
        }

        var (rv, items) = ReadList(body);
        var watcher = await EventWatcher.OpenAsync(http, $"{kind.Path(null)}?watch=true&resourceVersion={rv}&allowWatchBookmarks=true", time, cancellationToken);
        return (items, watcher);
    }

    /// <summary>
    /// The list's resourceVersion and its items, read token by token (every byte is tokenized and validated, no DOM
    /// is built), as a reflector filling its store keyed by name: the client side stays cheap on a 2-core machine.
    /// </summary>
    private static (string? ResourceVersion, int Items) ReadList(byte[] body)
    {
        var reader = new Utf8JsonReader(body);
        string? rv = null;
        var items = 0;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
            {
                continue;
            }

            if (reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("resourceVersion"u8))
                    {
                        reader.Read();
                        rv = reader.GetString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else if (reader.ValueTextEquals("items"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    reader.Skip();
                    items++;
                }
            }
        }

        return (rv, items);
    }
}
