namespace FakeApiServer.Observability.Audit;

/// <summary>The stages at which an audit event is written (audit.k8s.io/v1 Stage).</summary>
public static class AuditStage
{
    /// <summary>As soon as the audit handler has the request, before the handlers further down the chain.</summary>
    public const string RequestReceived = "RequestReceived";

    /// <summary>Once the response headers are sent, before the body; long-running requests (watch, exec, logs) only.</summary>
    public const string ResponseStarted = "ResponseStarted";

    /// <summary>Once the response is complete.</summary>
    public const string ResponseComplete = "ResponseComplete";

    /// <summary>When a handler failed unexpectedly (a 500 that is the server's bug).</summary>
    public const string Panic = "Panic";

    /// <summary>The stage names a policy may list in omitStages.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal) { RequestReceived, ResponseStarted, ResponseComplete, Panic };
}
