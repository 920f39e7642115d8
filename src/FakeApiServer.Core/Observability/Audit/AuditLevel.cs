namespace FakeApiServer.Observability.Audit;

/// <summary>How much of a request an audit event records (audit.k8s.io/v1 Level), in increasing order.</summary>
public enum AuditLevel
{
    /// <summary>No event.</summary>
    None,

    /// <summary>Who, what, when and the answer's status; no bodies.</summary>
    Metadata,

    /// <summary>Metadata and the request's object.</summary>
    Request,

    /// <summary>Metadata, the request's object and the response's object.</summary>
    RequestResponse,
}
