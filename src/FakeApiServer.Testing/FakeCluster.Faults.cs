using FakeApiServer.FaultInjection;

namespace FakeApiServer.Testing;

/// <summary>Injecting faults.</summary>
public sealed partial class FakeCluster
{
    /// <summary>
    /// The faults the server injects into the requests they match: Status errors of any code, latency on the server's
    /// clock, dropped connections, watches closed or expired (docs/testing.md).
    /// <code>
    /// using var conflict = cluster.Faults.Add(new FaultRule { Verb = "patch", Resource = "deployments", Name = "web", StatusCode = 409, Times = 2 });
    /// </code>
    /// </summary>
    public FaultRules Faults => _host.Faults;
}
