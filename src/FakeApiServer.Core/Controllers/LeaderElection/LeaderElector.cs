using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.LeaderElection;

/// <summary>
/// client-go's Lease lock: a candidate takes the Lease when nobody holds it or its holder has not renewed it for the lease
/// duration (measured on this replica's clock from when it last saw the Lease change, as client-go does, so clocks need
/// not agree); the leader renews every retry period; every write is conditioned on the resourceVersion read, so two
/// candidates never both win. A leader that cannot renew within the renew deadline stops leading; on a clean stop it
/// releases the Lease so another replica takes over at once.
/// </summary>
internal sealed partial class LeaderElector(ResourceCatalog catalog, string name, string identity, LeaderElectionOptions options, TimeProvider time, ILogger logger)
{
    private string? _observedVersion;
    private DateTimeOffset _observedTime;

    /// <summary>This candidate's identity (holderIdentity when it leads).</summary>
    public string Identity => identity;

    /// <summary>
    /// Campaigns until this replica leads, runs <paramref name="whileLeading"/> until leadership is lost or
    /// <paramref name="cancellationToken"/> fires, then stops it. Returns after that; a lost leadership is not campaigned
    /// for again (kube-controller-manager exits then).
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        try
        {
            while (!await TryAcquireOrRenewAsync(cancellationToken))
            {
                await Task.Delay(options.RetryPeriod, time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        Log.Acquired(logger, name, identity);
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = whileLeading(leading.Token);
        var renewed = time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.RetryPeriod, time, cancellationToken);
                if (await TryAcquireOrRenewAsync(cancellationToken))
                {
                    renewed = time.GetUtcNow();
                    continue;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // A failed renewal (storage unavailable) is retried until the renew deadline.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.RenewFailed(logger, name, e.Message);
            }

            if (time.GetUtcNow() - renewed >= options.RenewDeadline)
            {
                Log.Lost(logger, name, identity);
                break;
            }
        }

        await leading.CancelAsync();
        await work;
        if (cancellationToken.IsCancellationRequested)
        {
            await ReleaseAsync();
        }
    }

    /// <summary>One attempt: true when this candidate holds the Lease afterwards.</summary>
    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var leases = catalog.Get("coordination.k8s.io", "leases");
        var now = time.GetUtcNow();
        var stored = leases.TryGet(options.Namespace, name);
        if (stored is null)
        {
            var lease = new JsonObject
            {
                ["apiVersion"] = "coordination.k8s.io/v1",
                ["kind"] = "Lease",
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = options.Namespace },
                ["spec"] = Spec(now, now, 0),
            };
            try
            {
                await leases.CreateAsync(options.Namespace, lease, new WriteOptions(), cancellationToken);
                return true;
            }
            catch (ApiException e) when (e.Code == 409)
            {
                return false;
            }
        }

        var current = ObjectJson.Parse(stored.Value);
        var spec = current["spec"] as JsonObject ?? [];
        var holder = (string?)spec["holderIdentity"] ?? "";
        var version = current.Metadata().GetString("resourceVersion");
        if (version != _observedVersion)
        {
            _observedVersion = version;
            _observedTime = now;
        }

        var duration = TimeSpan.FromSeconds((int?)spec["leaseDurationSeconds"] ?? (int)options.LeaseDuration.TotalSeconds);
        if (holder.Length > 0 && holder != identity && _observedTime + duration > now)
        {
            return false;
        }

        var transitions = (int?)spec["leaseTransitions"] ?? 0;
        var acquired = holder == identity && spec["acquireTime"] is { } at ? DateTimeOffset.Parse((string)at!, CultureInfo.InvariantCulture) : now;
        try
        {
            await leases.UpdateAsync(options.Namespace, name, lease =>
            {
                // Conditioned on the version this attempt read and judged (the update loop hands over the newest one):
                // a Lease changed since, such as another candidate taking an expired Lease first, is a conflict, not
                // overwritten, so two candidates never both believe they lead.
                lease.Metadata()["resourceVersion"] = version;
                lease["spec"] = Spec(acquired, now, holder == identity ? transitions : transitions + 1);
                return lease;
            }, leases.Definition.Strategy, new WriteOptions(), cancellationToken);
            return true;
        }
        catch (ApiException e) when (e.Code is 409 or 404)
        {
            return false;
        }
    }

    /// <summary>Gives the Lease up (holder cleared, as client-go's ReleaseOnCancel), so a candidate need not wait it out.</summary>
    private async Task ReleaseAsync()
    {
        var leases = catalog.Get("coordination.k8s.io", "leases");
        try
        {
            await leases.UpdateAsync(options.Namespace, name, lease =>
            {
                if (lease["spec"] is JsonObject spec && (string?)spec["holderIdentity"] == identity)
                {
                    spec["holderIdentity"] = null;
                    spec["leaseDurationSeconds"] = 1;
                }

                return lease;
            }, leases.Definition.Strategy, new WriteOptions(), CancellationToken.None);
        }
#pragma warning disable CA1031 // Best effort: the Lease expires by itself.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.RenewFailed(logger, name, e.Message);
        }
    }

    private JsonObject Spec(DateTimeOffset acquired, DateTimeOffset renewed, int transitions) => new()
    {
        ["holderIdentity"] = identity,
        ["leaseDurationSeconds"] = (int)options.LeaseDuration.TotalSeconds,
        ["acquireTime"] = ObjectMeta.FormatMicroTime(acquired),
        ["renewTime"] = ObjectMeta.FormatMicroTime(renewed),
        ["leaseTransitions"] = transitions,
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "Became the leader of {Lease} as {Identity}")]
        public static partial void Acquired(ILogger logger, string lease, string identity);

        [LoggerMessage(EventId = 1301, Level = LogLevel.Error, Message = "Lost the leadership of {Lease} ({Identity}): its controllers stop on this replica")]
        public static partial void Lost(ILogger logger, string lease, string identity);

        [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Renewing {Lease} failed: {Reason}")]
        public static partial void RenewFailed(ILogger logger, string lease, string reason);
    }
}
