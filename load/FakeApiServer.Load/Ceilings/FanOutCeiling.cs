using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using FakeApiServer.Load.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Load.Ceilings;

/// <summary>
/// The fastest a watch fan-out can be here: bare Kestrel where each POSTed 2 KiB object is written durably (one SQLite
/// row, WAL + synchronous=FULL, as the insert ceiling; an API server too must commit before it tells watchers) and then
/// becomes one line ({"type":"ADDED","resourceVersion":"N","object":...}) written to every client's chunked stream.
/// It runs in its own process (<c>--serve-ceiling fan-out</c>), as the server under test does, so 10,000 watchers hold
/// one descriptor each here, not two.
/// </summary>
internal static class FanOutCeiling
{
    /// <summary>The name given to <c>--serve-ceiling</c>.</summary>
    public const string Name = "fan-out";

    /// <summary>Maps GET /watch (one NDJSON stream per client) and POST /events (commit, then a line to every stream).</summary>
    public static void Map(WebApplication app, DurableRowWriter durable)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(durable);
        var streams = new ConcurrentDictionary<Channel<byte[]>, bool>();
        var gate = new Lock();
        long revision = 0;

        async Task WatchAsync(HttpContext c)
        {
            var channel = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
            streams[channel] = true;
            try
            {
                c.Response.ContentType = "application/json";
                await c.Response.StartAsync(c.RequestAborted);
                await c.Response.Body.FlushAsync(c.RequestAborted);
                await foreach (var line in channel.Reader.ReadAllAsync(c.RequestAborted))
                {
                    await c.Response.Body.WriteAsync(line, c.RequestAborted);
                    if (!channel.Reader.TryPeek(out _))
                    {
                        await c.Response.Body.FlushAsync(c.RequestAborted);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The client left.
            }
            finally
            {
                streams.TryRemove(channel, out _);
            }
        }

        async Task PublishAsync(HttpContext c)
        {
            using var body = new MemoryStream();
            await c.Request.Body.CopyToAsync(body, c.RequestAborted);
            var bytes = body.ToArray();
            await durable.InsertAsync(bytes, c.RequestAborted);
            lock (gate)
            {
                var prefix = Encoding.ASCII.GetBytes($"{{\"type\":\"ADDED\",\"resourceVersion\":\"{++revision}\",\"object\":");
                var line = new byte[prefix.Length + bytes.Length + 2];
                prefix.CopyTo(line, 0);
                bytes.CopyTo(line, prefix.Length);
                line[^2] = (byte)'}';
                line[^1] = (byte)'\n';
                foreach (var channel in streams.Keys)
                {
                    channel.Writer.TryWrite(line);
                }
            }

            c.Response.StatusCode = StatusCodes.Status201Created;
            c.Response.ContentType = "application/json";
            await c.Response.Body.WriteAsync(bytes, c.RequestAborted);
        }

        app.MapGet("/watch", WatchAsync);
        app.MapPost("/events", PublishAsync);
    }

    /// <summary>N watchers, 50 events/s, the ceiling in its own process (as the server under test is).</summary>
    public static async Task<FanOutResult> MeasureAsync(RunContext context, int watchers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Progress($"ceiling: bare fan-out to {watchers} watchers");
        await using var server = await CeilingProcess.StartAsync(Name, context.WorkDir, cancellationToken);
        return await FanOutMeasurement.RunAsync(
            context, $"ceiling: bare fan-out writer ({watchers} watchers)", server.Http, "/watch", watchers,
            (sent, i, ct) => HttpDriver.SendAsync(server.Http, HttpDriver.WithBody(HttpMethod.Post, "/events", ObjectBodies.ConfigMap("fanout", $"e-{i}", sent)), ct),
            cancellationToken, serverProcessorTime: () => server.ProcessorTime);
    }
}
