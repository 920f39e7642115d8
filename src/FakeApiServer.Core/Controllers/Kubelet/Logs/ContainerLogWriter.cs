using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.SimulatedContainers;
using FakeApiServer.SimulatedContainers.Logs;

namespace FakeApiServer.Controllers.Kubelet.Logs;

/// <summary>
/// What the simulated containers write to their logs, as the simulated kubelet moves them on, for each run (container
/// id): the scripted lines (<see cref="IContainerLogScript"/> and <see cref="LogLinesAnnotation"/>) at their time after
/// the start, exactly, as a real application's output would be (the C# client's log-stream test counts its lines); a
/// container with none scripted writes default lines instead: when it starts, when it becomes ready and when it exits,
/// with the exit code. The run ends when the container exits. Everything follows from the pod's status, its stages and the time, and each line is written once per run,
/// so the kubelet calls it on every step, before a status is committed (a client that sees the container started finds
/// its first line) and after (lines that time alone brought).
/// </summary>
internal sealed class ContainerLogWriter
{
    /// <summary>A line whose event is this recent is stamped with the time it is written, not its status time (seconds only).</summary>
    private static readonly TimeSpan StatusPrecision = TimeSpan.FromSeconds(1);

    private readonly ContainerLogStore _store;
    private readonly IContainerLogScript _script;

    public ContainerLogWriter(ContainerLogStore store, IContainerLogScript script)
    {
        _store = store;
        _script = script;
    }

    /// <summary>
    /// Writes what the containers of <paramref name="pod"/> with <paramref name="status"/> have logged by
    /// <paramref name="now"/>; returns when the next scripted line of a running container is due, or null.
    /// </summary>
    public DateTimeOffset? Write(JsonObject pod, JsonObject? status, IReadOnlyDictionary<string, ContainerStage> stages, DateTimeOffset now)
    {
        var uid = pod.Uid() ?? "";
        DateTimeOffset? next = null;
        foreach (var (list, main) in new[] { ("initContainerStatuses", false), ("containerStatuses", true), ("ephemeralContainerStatuses", false) })
        {
            foreach (var cs in (status?[list] as JsonArray ?? []).OfType<JsonObject>())
            {
                var name = cs.GetString("name") ?? "";
                var stage = main ? stages.GetValueOrDefault(name) ?? ContainerStage.Running : null;
                var container = new ContainerFacts(uid, name, cs.GetString("image") ?? "", stage is { FailsReadiness: false } ? stage.ReadyAfter : null, Scripted(pod, name, main));
                var restarts = cs.GetInt64("restartCount") ?? 0;
                var running = cs["state"]?["running"] as JsonObject;
                if (cs["lastState"]?["terminated"] is JsonObject last && last.GetString("containerID") is { Length: > 0 } lastId)
                {
                    WriteRun(container, lastId, running is null ? restarts : restarts - 1, last, now);
                }

                if (running is not null && cs.GetString("containerID") is { Length: > 0 } id)
                {
                    next = Min(next, WriteRun(container, id, restarts, running, now));
                }
                else if (cs["state"]?["terminated"] is JsonObject terminated && terminated.GetString("containerID") is { Length: > 0 } endedId)
                {
                    WriteRun(container, endedId, restarts, terminated, now);
                }
            }
        }

        return next;
    }

    /// <summary>The lines scripted for a container: the rules' (every container), then the annotation's (regular containers).</summary>
    private List<ScriptedLogLine> Scripted(JsonObject pod, string container, bool main) =>
        [.. _script.LinesFor(pod, container), .. main ? LogLinesAnnotation.Lines(pod) : []];

    /// <summary>Writes one run's lines due by <paramref name="now"/> (<paramref name="state"/>: its running or terminated state); returns when its next scripted line is due.</summary>
    private DateTimeOffset? WriteRun(ContainerFacts container, string containerId, long restart, JsonObject state, DateTimeOffset now)
    {
        if (Time(state["startedAt"]) is not { } started)
        {
            return null;
        }

        var finished = Time(state["finishedAt"]);
        var until = finished is { } end && end < now ? end : now;
        var name = container.Name;
        var defaults = container.Scripted.Count == 0;
        var lines = new List<(string Key, DateTimeOffset At, string Text)>();
        if (defaults)
        {
            lines.Add(("start", started, restart > 0
                ? FormattableString.Invariant($"Started container {name} (image {container.Image}, restart {restart})")
                : $"Started container {name} (image {container.Image})"));
        }

        if (defaults && container.ReadyAfter is { } readyAfter && started + readyAfter <= until)
        {
            lines.Add(("ready", started + readyAfter, $"Container {name} is ready"));
        }

        DateTimeOffset? next = null;
        for (var i = 0; i < container.Scripted.Count; i++)
        {
            var at = started + container.Scripted[i].After;
            if (at <= until)
            {
                lines.Add(("script/" + i.ToString(CultureInfo.InvariantCulture), at, container.Scripted[i].Text));
            }
            else if (finished is null)
            {
                next = Min(next, at);
            }
        }

        if (defaults && finished is { } exited)
        {
            var code = state.GetInt64("exitCode") ?? 0;
            lines.Add(("exit", exited, FormattableString.Invariant($"Container {name} exited with code {code}")));
        }

        var run = _store.Run(container.PodUid, name, containerId);
        foreach (var (key, at, text) in lines.OrderBy(l => l.At))
        {
            run.AppendOnce(key, now - at < StatusPrecision ? now : at, text);
        }

        if (finished is not null)
        {
            run.End();
        }

        return next;
    }

    private static DateTimeOffset? Time(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out string? text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null || a < b ? a : b;

    /// <summary>What the lines of a container's runs say and when: its pod, name, image, readiness delay (none: never ready) and scripted lines.</summary>
    private sealed record ContainerFacts(string PodUid, string Name, string Image, TimeSpan? ReadyAfter, IReadOnlyList<ScriptedLogLine> Scripted);
}
