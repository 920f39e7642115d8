using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Schema.Cel;
using FakeApiServer.SimulatedContainers;

namespace FakeApiServer.Controllers.Kubelet.Logs;

/// <summary>
/// The pod annotation <c>fakeapiserver.io/log-lines</c>: lines every run of the pod's containers writes to its log,
/// one per line of the value; a line starting with <c>@</c> and a Go duration (<c>@5s ready to serve</c>) is written that
/// long after the run starts, the others as it starts. A cheap way for a test or a manifest to script a log without
/// container rules.
/// </summary>
internal static class LogLinesAnnotation
{
    public const string Name = "fakeapiserver.io/log-lines";

    /// <summary>The lines the annotation scripts, in its order; none without it.</summary>
    public static IReadOnlyList<ScriptedLogLine> Lines(JsonObject pod)
    {
        if (pod.Metadata()["annotations"]?[Name] is not JsonValue value || !value.TryGetValue(out string? text))
        {
            return [];
        }

        var lines = new List<ScriptedLogLine>();
        var parts = text.Split('\n');

        // A YAML block scalar ends with a newline, which starts no line.
        foreach (var raw in parts.Length > 1 && parts[^1].Length == 0 ? parts[..^1] : parts)
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith('@') && line.IndexOf(' ', StringComparison.Ordinal) is var space and > 1
                && CelFunctions.TryParseDuration(line[1..space], out var after) && after >= TimeSpan.Zero)
            {
                lines.Add(new ScriptedLogLine(after, line[(space + 1)..]));
            }
            else
            {
                lines.Add(new ScriptedLogLine(TimeSpan.Zero, line));
            }
        }

        return lines;
    }
}
