using System.Globalization;
using System.Text;
using FakeApiServer.Registry;
using FakeApiServer.SimulatedContainers.Logs;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Verbs;

/// <summary>
/// pods/log (GET): a simulated container's log as text/plain, read from the <see cref="ContainerLogStore"/> the simulated
/// kubelet writes. The options are upstream's PodLogOptions (validated first: 422 for PodLogOptions), then the pod (404),
/// the container (<see cref="ContainerLogLocation"/>: upstream's 400s) and the run. A pod on no node yet has an empty log,
/// as upstream answers. As the kubelet reads a log file: tailLines keeps the last lines, then sinceSeconds/sinceTime
/// drops older ones; timestamps prefixes each line with its time in RFC 3339 with nanoseconds; limitBytes stops after
/// that many bytes, mid-line if need be. With follow, new lines are sent (and flushed) as they are written, until the
/// run ends (the container exits, its pod goes), the limit is reached, or the client leaves.
/// </summary>
internal static class PodLogVerb
{
    public static async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var options = PodLogOptions.Parse(context.Request.Query);
        if (options.Validate() is { Count: > 0 } errors)
        {
            throw ApiException.Invalid(new GroupKind("", "PodLogOptions"), request.Name, errors);
        }

        var pod = ObjectJson.Parse(request.Store.Get(request.Namespace, request.Name).Value);
        var container = ContainerLogLocation.Container(pod, options.Container);
        var logs = request.Api.ContainerLogs;
        ContainerRun? run = null;
        if (pod["spec"]?["nodeName"]?.GetValue<string>() is { Length: > 0 })
        {
            var containerId = ContainerLogLocation.ContainerId(pod, container, options.Previous);
            run = logs.Find(pod.Uid() ?? "", container, containerId);
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        if (run is null)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, request.Api.Stopping);
        var body = context.Response.Body;
        var since = options.Since(logs.Time.GetUtcNow());
        var remaining = options.LimitBytes ?? long.MaxValue;
        var snapshot = run.Read(-1);
        var cursor = snapshot.Lines.Count > 0 ? snapshot.Lines[^1].Sequence : -1;
        var lines = options.TailLines is { } tail ? snapshot.Lines.Skip((int)Math.Max(0, snapshot.Lines.Count - Math.Min(tail, int.MaxValue))) : snapshot.Lines;
        remaining = await WriteAsync(body, lines, since, options.Timestamps, remaining, stop.Token);
        while (options.Follow && !snapshot.Ended && remaining > 0)
        {
            await body.FlushAsync(stop.Token);
            await snapshot.Changed.WaitAsync(stop.Token);
            snapshot = run.Read(cursor);
            cursor = snapshot.Lines.Count > 0 ? snapshot.Lines[^1].Sequence : cursor;
            remaining = await WriteAsync(body, snapshot.Lines, since, options.Timestamps, remaining, stop.Token);
        }
    }

    /// <summary>Writes the lines not before <paramref name="since"/>, at most <paramref name="remaining"/> bytes; returns the bytes still allowed.</summary>
    private static async Task<long> WriteAsync(Stream body, IEnumerable<LogLine> lines, DateTimeOffset? since, bool timestamps, long remaining, CancellationToken cancellationToken)
    {
        foreach (var line in lines)
        {
            if (remaining <= 0)
            {
                break;
            }

            if (since is { } from && line.Time < from)
            {
                continue;
            }

            var text = timestamps ? Timestamp(line.Time) + " " + line.Text + "\n" : line.Text + "\n";
            var bytes = Encoding.UTF8.GetBytes(text);
            var count = (int)Math.Min(bytes.Length, remaining);
            await body.WriteAsync(bytes.AsMemory(0, count), cancellationToken);
            remaining -= count;
        }

        return remaining;
    }

    /// <summary>Go's RFC3339Nano, as the kubelet stamps log lines: UTC, fractional seconds without trailing zeros.</summary>
    private static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
}
