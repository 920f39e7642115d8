using System.Text.Json.Nodes;

namespace FakeApiServer.SimulatedContainers;

/// <summary>A line a script adds to a container's log, <see cref="After"/> the container (re)started.</summary>
internal sealed record ScriptedLogLine(TimeSpan After, string Text);

/// <summary>
/// The log lines scripted for a container (the log rules of --container-rules, the fixture's delegates), which the
/// simulated kubelet writes to each run of the container after its own lines.
/// </summary>
internal interface IContainerLogScript
{
    IReadOnlyList<ScriptedLogLine> LinesFor(JsonObject pod, string container);
}
