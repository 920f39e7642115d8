namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// One container rule, from any source (the --container-rules file, a served ContainerRule object, the fixture): what
/// the matching containers do on exec, on attach, in their logs, or on port-forward. The first rule of a kind that
/// matches applies (<see cref="ContainerRuleSet"/> says in which order the sources are asked).
/// </summary>
internal abstract record ContainerRule(string Name, ContainerMatch Match);

/// <summary>Runs an exec the rule answers; returns the exit code.</summary>
internal delegate Task<int> ExecHandler(ContainerExec exec, CancellationToken cancellationToken);

/// <summary>Serves an attach the rule answers until the container ends or the client leaves (<c>cancellationToken</c>).</summary>
internal delegate Task AttachHandler(ContainerAttach attach, CancellationToken cancellationToken);

/// <summary>Serves one forwarded connection to a port of the pod.</summary>
internal delegate Task PortForwardHandler(ContainerTarget target, int port, Stream connection, CancellationToken cancellationToken);

/// <summary>An exec rule: the commands it answers (<see cref="Command"/>) and what runs instead.</summary>
internal sealed record ExecRule(string Name, ContainerMatch Match, CommandMatch Command, ExecHandler Handler) : ContainerRule(Name, Match);

/// <summary>An attach rule: what the container's main process shows an attached client.</summary>
internal sealed record AttachRule(string Name, ContainerMatch Match, AttachHandler Handler) : ContainerRule(Name, Match);

/// <summary>A log rule: the lines each run of the container adds to its log.</summary>
internal sealed record LogRule(string Name, ContainerMatch Match, IReadOnlyList<ScriptedLogLine> Lines) : ContainerRule(Name, Match);

/// <summary>A port-forward rule: what answers connections to <see cref="Port"/> of the pod (any port when null).</summary>
internal sealed record PortForwardRule(string Name, ContainerMatch Match, int? Port, PortForwardHandler Handler) : ContainerRule(Name, Match);

/// <summary>One exec as a rule's handler sees it.</summary>
internal sealed record ContainerExec(ContainerTarget Target, IReadOnlyList<string> Command, IContainerStreams Streams, TimeProvider Time);

/// <summary>One attach as a rule's handler sees it.</summary>
internal sealed record ContainerAttach(ContainerTarget Target, IContainerStreams Streams, TimeProvider Time);
