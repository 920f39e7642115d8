namespace FakeApiServer.Observability.Audit;

/// <summary>What the policy decided for one request (upstream's RequestAuditConfig): its level, the stages not written, and whether managedFields are dropped from bodies.</summary>
internal sealed record AuditRequestConfig(AuditLevel Level, IReadOnlySet<string> OmitStages, bool OmitManagedFields)
{
    public static AuditRequestConfig None { get; } = new(AuditLevel.None, new HashSet<string>(), false);
}
