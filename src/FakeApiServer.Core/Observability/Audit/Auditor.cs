using Microsoft.Extensions.Logging;

namespace FakeApiServer.Observability.Audit;

/// <summary>
/// The server's auditing (one per host): the policy and the backends every event goes to. Built from
/// <see cref="AuditOptions"/> at start; null when auditing is off.
/// </summary>
internal sealed class Auditor : IAsyncDisposable
{
    private readonly IReadOnlyList<IAuditBackend> _backends;

    public Auditor(AuditPolicy policy, IReadOnlyList<IAuditBackend> backends, TimeProvider time)
    {
        Policy = policy;
        _backends = backends;
        Time = time;
        IsBlocking = backends.Any(b => b.IsBlocking);
    }

    public AuditPolicy Policy { get; }

    public TimeProvider Time { get; }

    /// <summary>Whether a backend writes events before it returns, so a response is held until its event is written.</summary>
    public bool IsBlocking { get; }

    /// <summary>The auditor of <paramref name="options"/>, or null when auditing is off.</summary>
    public static Auditor? Create(AuditOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return null;
        }

        var policy = AuditPolicy.Load(options.PolicyFile!);
        var backends = new List<IAuditBackend>();
        if (options.LogPath is not null)
        {
            backends.Add(AuditLogBackend.Create(options, time, logger));
        }

        if (options.WebhookConfigFile is not null)
        {
            backends.Add(AuditWebhookBackend.FromKubeconfig(options, time, logger));
        }

        return new Auditor(policy, backends, time);
    }

    /// <summary>Writes one stage of a request's event to every backend; false when a backend failed to store it.</summary>
    public bool Process(RequestAudit audit, string stage)
    {
        if (audit.EncodeStage(stage, Time.GetUtcNow()) is not { } encoded)
        {
            return true;
        }

        var stored = true;
        foreach (var backend in _backends)
        {
            stored &= backend.Process(encoded);
        }

        return stored;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }
}
