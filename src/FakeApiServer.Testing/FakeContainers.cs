using System.Net;
using FakeApiServer.SimulatedContainers;

namespace FakeApiServer.Testing;

/// <summary>
/// Scripts what the cluster's simulated containers do (docs/containers.md): exec answers, attach output, log lines and
/// port-forward targets. These rules come before the served ContainerRule objects and the --container-rules file, the
/// newest first; each call returns an <see cref="IDisposable"/> that removes its rule.
/// <code>using var rule = cluster.Containers.OnExec(new() { LabelSelector = "app=db" }, ExecCommand.Exact("pg_isready"), new ExecResult { Stdout = "accepting connections\n" });</code>
/// </summary>
public sealed class FakeContainers
{
    private readonly ContainerRuleSet _rules;
    private readonly IContainerRuntime _runtime;
    private readonly Func<string, System.Text.Json.Nodes.JsonObject?> _read;

    internal FakeContainers(ContainerRuleSet rules, IContainerRuntime runtime, Func<string, System.Text.Json.Nodes.JsonObject?> read)
    {
        _rules = rules;
        _runtime = runtime;
        _read = read;
    }

    /// <summary>
    /// Runs a command in a container in process, as <c>kubectl exec</c> would through the API (same checks, rules and
    /// built-in shell), with <paramref name="stdin"/> as its whole input (null: no stdin).
    /// </summary>
    /// <param name="ns">The pod's namespace.</param>
    /// <param name="pod">The pod's name.</param>
    /// <param name="container">The container, or null for the pod's only one.</param>
    /// <param name="command">The command (argv).</param>
    /// <param name="stdin">What the client sends, or null.</param>
    /// <param name="cancellationToken">Cancels the exec.</param>
    /// <exception cref="InvalidOperationException">The pod does not exist, or the server refuses the exec (the message is its Status message).</exception>
    public async Task<ExecOutput> ExecAsync(string ns, string pod, string? container, IReadOnlyList<string> command, byte[]? stdin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var obj = _read($"/core/pods/{ns}/{pod}") ?? throw new InvalidOperationException($"pods \"{pod}\" not found");
        ContainerTarget target;
        try
        {
            target = _runtime.ResolveContainer(obj, container);
        }
        catch (Exception e) when (e is Api.ApiException or KubeletRefusalException)
        {
            throw new InvalidOperationException(e.Message, e);
        }

        var streams = new BufferedContainerStreams(stdin, tty: false);
        var code = await _runtime.ExecAsync(target, command, streams, cancellationToken);
        return new ExecOutput(streams.Output.ToArray(), streams.Errors.ToArray(), code);
    }

    /// <summary>Answers the matching execs with <paramref name="handler"/>, which returns the exit code.</summary>
    /// <param name="containers">Which containers.</param>
    /// <param name="command">Which commands.</param>
    /// <param name="handler">Runs the exec; cancelled when the client leaves.</param>
    public IDisposable OnExec(ContainerSelector containers, ExecCommand command, Func<ContainerExecContext, CancellationToken, Task<int>> handler)
    {
        ArgumentNullException.ThrowIfNull(containers);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(handler);
        return _rules.Add(new ExecRule("fixture", containers.ToMatch(), command.Match,
            (exec, ct) => handler(new ContainerExecContext(exec.Target, exec.Command, exec.Streams, exec.Time), ct)));
    }

    /// <summary>Answers the matching execs with a canned result.</summary>
    /// <param name="containers">Which containers.</param>
    /// <param name="command">Which commands.</param>
    /// <param name="result">What they write and their exit code.</param>
    public IDisposable OnExec(ContainerSelector containers, ExecCommand command, ExecResult result)
    {
        ArgumentNullException.ThrowIfNull(containers);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(result);
        var script = new ScriptedExec(result.Stdout, result.Stderr, result.ExitCode, result.Delay, result.EchoStdin);
        return _rules.Add(new ExecRule("fixture", containers.ToMatch(), command.Match, script.RunAsync));
    }

    /// <summary>
    /// What the matching containers' main process shows an attached client: <paramref name="handler"/> runs until the
    /// container's run ends or the client leaves (its token is then cancelled).
    /// </summary>
    /// <param name="containers">Which containers.</param>
    /// <param name="handler">Serves the attach (its <see cref="ContainerExecContext.Command"/> is empty).</param>
    public IDisposable OnAttach(ContainerSelector containers, Func<ContainerExecContext, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(containers);
        ArgumentNullException.ThrowIfNull(handler);
        return _rules.Add(new AttachRule("fixture", containers.ToMatch(),
            (attach, ct) => handler(new ContainerExecContext(attach.Target, [], attach.Streams, attach.Time), ct)));
    }

    /// <summary>What the matching containers' main process writes to an attached client, each text at its time after the attach.</summary>
    /// <param name="containers">Which containers.</param>
    /// <param name="output">The texts (written as given: end lines with "\n").</param>
    /// <param name="echoStdin">Whether what the client types is echoed back.</param>
    public IDisposable OnAttach(ContainerSelector containers, IEnumerable<TimedText> output, bool echoStdin = false)
    {
        ArgumentNullException.ThrowIfNull(containers);
        ArgumentNullException.ThrowIfNull(output);
        var script = new ScriptedAttach([.. output.Select(o => new ScriptedOutput(o.After, o.Text, Stderr: false))], echoStdin);
        return _rules.Add(new AttachRule("fixture", containers.ToMatch(), script.RunAsync));
    }

    /// <summary>Lines each run of the matching containers adds to its log, each at its time after the container started.</summary>
    /// <param name="containers">Which containers.</param>
    /// <param name="lines">The lines (without newlines).</param>
    public IDisposable OnLogs(ContainerSelector containers, IEnumerable<TimedText> lines)
    {
        ArgumentNullException.ThrowIfNull(containers);
        ArgumentNullException.ThrowIfNull(lines);
        return _rules.Add(new LogRule("fixture", containers.ToMatch(), [.. lines.Select(l => new ScriptedLogLine(l.After, l.Text))]));
    }

    /// <summary>Proxies every forwarded connection to <paramref name="port"/> of the matching pods (any port when null) to <paramref name="target"/>.</summary>
    /// <param name="pods">Which pods (<see cref="ContainerSelector.Container"/> is ignored).</param>
    /// <param name="port">The pod's port, or null for any.</param>
    /// <param name="target">Where connections go, e.g. a server the test runs on 127.0.0.1.</param>
    public IDisposable ForwardPort(ContainerSelector pods, int? port, IPEndPoint target)
    {
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(target);
        var proxy = new PortForwardProxy(target.Address.ToString(), target.Port);
        return _rules.Add(new PortForwardRule("fixture", pods.ToMatch() with { Containers = new HashSet<string>() }, port, proxy.ServeAsync));
    }

    /// <summary>Serves every forwarded connection to <paramref name="port"/> of the matching pods (any port when null) with <paramref name="handler"/>.</summary>
    /// <param name="pods">Which pods (<see cref="ContainerSelector.Container"/> is ignored).</param>
    /// <param name="port">The pod's port, or null for any.</param>
    /// <param name="handler">Reads what the client sends from the stream (0 once it closed its side) and writes the answer; gets the port.</param>
    public IDisposable OnPortForward(ContainerSelector pods, int? port, Func<Stream, int, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(handler);
        return _rules.Add(new PortForwardRule("fixture", pods.ToMatch() with { Containers = new HashSet<string>() }, port, (_, p, connection, ct) => handler(connection, p, ct)));
    }

    /// <summary>Removes every rule added through this object.</summary>
    public void Clear() => _rules.ClearFixtureRules();
}
