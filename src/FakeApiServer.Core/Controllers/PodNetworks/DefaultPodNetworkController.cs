using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Features;
using FakeApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.PodNetworks;

/// <summary>
/// default-podnetwork (multinetwork.md section 5): the PodNetwork `kubernetes` exists with enabled true, no provider
/// and no parametersRefs. Created at start and re-created as soon as a watch sees it gone (the fork polled every 10 s);
/// an existing object is never overwritten. Runs only with the MultiNetwork gate on and the group served.
/// </summary>
internal sealed partial class DefaultPodNetworkController(ControllerContext context) : Reconciler<string>(context, "default-podnetwork")
{
    /// <summary>The default network's name, as in the forks.</summary>
    public const string DefaultName = "kubernetes";

    /// <summary>Runs with the MultiNetwork gate on and the group served; the default network is ensured at start.</summary>
    public override Task RunAsync(CancellationToken cancellationToken)
    {
        if (!Context.FeatureGates.Enabled(FeatureName.MultiNetwork) || PodNetworks(Context.Catalog) is null)
        {
            return Task.CompletedTask;
        }

        Queue.Add(DefaultName);
        return base.RunAsync(cancellationToken);
    }

    protected override void Watch(SharedInformerFactory informers) =>
        informers.For("networking.k8s.io", "podnetworks").AddHandler(e =>
        {
            if (e.Type == InformerEventType.Deleted && e.Object.Name() == DefaultName)
            {
                Queue.Add(DefaultName);
            }
        });

    protected override Task ReconcileAsync(string name, CancellationToken cancellationToken) =>
        PodNetworks(Context.Catalog) is { } podNetworks ? EnsureAsync(podNetworks, cancellationToken) : Task.CompletedTask;

    /// <summary>The registry of PodNetworks, or null when networking.k8s.io/v1alpha1 is not served.</summary>
    internal static ResourceStore? PodNetworks(ResourceCatalog catalog) =>
        catalog.All.FirstOrDefault(s => s.Definition is { Group: "networking.k8s.io", Plural: "podnetworks" });

    private async Task EnsureAsync(ResourceStore podNetworks, CancellationToken cancellationToken)
    {
        if (podNetworks.TryGet("", DefaultName) is not null)
        {
            return;
        }

        try
        {
            await podNetworks.CreateAsync("", new JsonObject
            {
                ["apiVersion"] = "networking.k8s.io/v1alpha1",
                ["kind"] = "PodNetwork",
                ["metadata"] = new JsonObject { ["name"] = DefaultName },
                ["spec"] = new JsonObject { ["enabled"] = true },
            }, new WriteOptions(FieldManager: "default-podnetwork-controller"), cancellationToken);
            Log.Created(Logger, DefaultName);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Someone created it meanwhile: never overwrite it.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 400, Level = LogLevel.Debug, Message = "Created the default PodNetwork {Name}")]
        public static partial void Created(ILogger logger, string name);
    }
}
