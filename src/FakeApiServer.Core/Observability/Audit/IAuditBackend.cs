namespace FakeApiServer.Observability.Audit;

/// <summary>Where audit events go (upstream's audit.Backend): the log file, the webhook.</summary>
internal interface IAuditBackend : IAsyncDisposable
{
    /// <summary>
    /// Whether <see cref="Process"/> returns only once the event is written (the log backend's default "blocking"
    /// mode): the audit filter then holds a response back until its ResponseComplete event is written.
    /// </summary>
    bool IsBlocking { get; }

    /// <summary>Takes one event (its JSON, no newline); false when it could not be stored or queued.</summary>
    bool Process(byte[] auditEvent);
}
