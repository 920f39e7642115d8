using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Features;
using FakeApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.PodNetworks;

/// <summary>
/// default-podnetwork (multinetwork.md section 5): the PodNetwork `kubernetes` exists with enabled true, no provider
/// and no parametersRefs. Created at start and re-created as soon as a watch sees it gone (the fork polled every 10 s);
/// an existing object is never overwritten. Runs only with the MultiNetwork gate on and the group served.
/// </summary>
internal sealed partial class DefaultPodNetworkController : IController
{
    /// <summary>The default network's name, as in the forks.</summary>
    public const string DefaultName = "kubernetes";

    private readonly ControllerContext _context;
    private readonly ILogger _logger;

    public DefaultPodNetworkController(ControllerContext context)
    {
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<DefaultPodNetworkController>();
    }

    public string Name => "default-podnetwork";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!_context.FeatureGates.Enabled(FeatureName.MultiNetwork) || PodNetworks(_context.Catalog) is not { } podNetworks)
        {
            return;
        }

        await EnsureAsync(podNetworks, cancellationToken);
        await ResourceInformer.RunAsync(podNetworks.Definition, _context.Store, async change =>
        {
            if (change.Type == ResourceEventType.Deleted && ObjectJson.Parse(change.Object!.Value).Name() == DefaultName)
            {
                await EnsureAsync(podNetworks, cancellationToken);
            }
        }, cancellationToken);
    }

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
            Log.Created(_logger, DefaultName);
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
