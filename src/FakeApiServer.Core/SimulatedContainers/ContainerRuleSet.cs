using System.Collections.Immutable;
using System.Text.Json.Nodes;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// Every container rule of one server, asked in this order, the first match of a kind winning: the fixture's rules
/// (newest first, so a test can override what it set before), then the served ContainerRule objects (by name), then
/// the --container-rules file (in file order). Also the log script of the simulated kubelet: the lines of the first
/// log rule that matches a container.
/// </summary>
internal sealed class ContainerRuleSet : IContainerLogScript
{
    private readonly IReadOnlyList<ContainerRule> _file;
    private readonly ServedContainerRules? _served;
    private ImmutableList<ContainerRule> _fixture = [];

    public ContainerRuleSet(IReadOnlyList<ContainerRule> file, ServedContainerRules? served)
    {
        _file = file;
        _served = served;
    }

    /// <summary>No rules at all.</summary>
    public static ContainerRuleSet Empty => new([], null);

    /// <summary>Adds a fixture rule ahead of every other; disposing the result removes it.</summary>
    public IDisposable Add(ContainerRule rule)
    {
        ImmutableInterlocked.Update(ref _fixture, list => list.Insert(0, rule));
        return new Removal(this, rule);
    }

    /// <summary>Removes every fixture rule.</summary>
    public void ClearFixtureRules() => ImmutableInterlocked.Update(ref _fixture, _ => []);

    public IEnumerable<ContainerRule> All => _fixture.Concat(_served?.Rules ?? []).Concat(_file);

    public ExecRule? FindExec(JsonObject pod, string container, IReadOnlyList<string> command) =>
        All.OfType<ExecRule>().FirstOrDefault(r => r.Match.Matches(pod, container) && r.Command.Matches(command));

    public AttachRule? FindAttach(JsonObject pod, string container) =>
        All.OfType<AttachRule>().FirstOrDefault(r => r.Match.Matches(pod, container));

    public PortForwardRule? FindPortForward(JsonObject pod, int port) =>
        All.OfType<PortForwardRule>().FirstOrDefault(r => r.Match.Matches(pod, "") && (r.Port is null || r.Port == port));

    public IReadOnlyList<ScriptedLogLine> LinesFor(JsonObject pod, string container) =>
        All.OfType<LogRule>().FirstOrDefault(r => r.Match.Matches(pod, container))?.Lines ?? [];

    private sealed class Removal(ContainerRuleSet set, ContainerRule rule) : IDisposable
    {
        public void Dispose() => ImmutableInterlocked.Update(ref set._fixture, list => list.Remove(rule));
    }
}
