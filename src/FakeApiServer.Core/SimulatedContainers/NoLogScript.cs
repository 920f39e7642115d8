using System.Text.Json.Nodes;

namespace FakeApiServer.SimulatedContainers;

/// <summary>No scripted log lines: the kubelet's own lines only.</summary>
internal sealed class NoLogScript : IContainerLogScript
{
    public IReadOnlyList<ScriptedLogLine> LinesFor(JsonObject pod, string container) => [];
}
