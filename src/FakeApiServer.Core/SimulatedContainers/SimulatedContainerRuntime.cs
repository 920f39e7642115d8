using System.Text.Json.Nodes;
using FakeApiServer.Storage;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// What a simulated container does, scripted and never the host by default: an exec runs the first matching exec rule
/// (<see cref="ContainerRuleSet"/>), else, with --exec=local, a local process (<see cref="LocalProcessExec"/>), else the
/// container's built-in shell over its in-memory file system (<see cref="BuiltInShell"/>); an attach shows what the first
/// matching attach rule writes until the container's run ends; a port-forward goes where the first matching rule says,
/// else it finds the port closed. The checks before each are upstream's (<see cref="ContainerChecks"/>).
/// </summary>
internal sealed class SimulatedContainerRuntime(
    ContainerRuleSet rules, IRevisionedStore store, ContainerFileSystems fileSystems, TimeProvider time, LocalProcessExec? local) : IContainerRuntime
{
    public ContainerTarget ResolveContainer(JsonObject pod, string? container) => ContainerChecks.ResolveContainer(pod, container);

    public ContainerTarget ResolvePod(JsonObject pod) => ContainerChecks.ResolvePod(pod);

    public async Task<int> ExecAsync(ContainerTarget target, IReadOnlyList<string> command, IContainerStreams streams, CancellationToken cancellationToken)
    {
        if (rules.FindExec(target.Pod, target.Container, command) is { } rule)
        {
            return await rule.Handler(new ContainerExec(target, command, streams, time), cancellationToken);
        }

        var spec = ContainerFileSystems.ContainerSpec(target.Pod, target.Container) ?? new JsonObject();
        var environment = ContainerEnvironment.Resolve(store, target.Pod, spec);
        if (local is not null)
        {
            return await local.RunAsync(command, environment, streams, cancellationToken);
        }

        var stdout = streams.Stdout is null ? Stream.Null : streams.Tty ? new TerminalOutput(streams.Stdout) : streams.Stdout;
        var io = new ShellIo(streams.Stdin ?? Stream.Null, stdout, streams.Tty ? stdout : streams.Stderr ?? Stream.Null);
        var shell = new BuiltInShell(fileSystems.ViewFor(target), environment, ContainerEnvironment.Hostname(target.Pod), time);
        return await shell.ExecAsync(command, io, streams.Tty, cancellationToken);
    }

    public async Task AttachAsync(ContainerTarget target, IContainerStreams streams, CancellationToken cancellationToken)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var end = ContainerEnd.WaitAsync(store, target, ended.Token);
        var process = rules.FindAttach(target.Pod, target.Container) is { } rule
            ? rule.Handler(new ContainerAttach(target, streams, time), ended.Token)
            : Task.CompletedTask;
        try
        {
            // The attach lasts as long as the container's run, whether or not the rule's process finishes first.
            if (await Task.WhenAny(end, process) == process)
            {
                await process;
            }

            await end;
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            // The client left.
        }
        finally
        {
            await ended.CancelAsync();
            foreach (var task in new[] { end, process })
            {
                try
                {
                    await task;
                }
                catch (OperationCanceledException)
                {
                    // Stopped with the attach.
                }
                catch (Exception) when (task.IsFaulted && task == process)
                {
                    // Already thrown above, or the attach ended first and the rule failed while stopping.
                }
            }
        }
    }

    public Task PortForwardAsync(ContainerTarget target, int port, Stream connection, CancellationToken cancellationToken) =>
        rules.FindPortForward(target.Pod, port) is { } rule
            ? rule.Handler(target, port, connection, cancellationToken)
            : throw new InvalidOperationException(PortForwardProxy.ClosedPortMessage(target, port, "connection refused"));
}
