using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Controllers.PodNetworks;
using FakeApiServer.Features;
using FakeApiServer.Registry;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.Multus;

/// <summary>
/// The Multus provider simulation (multinetwork.md section 5): for each network of a scheduled pod whose PodNetwork has
/// the provider `k8s.cni.cncf.io/multus`, it reads the NetworkAttachmentDefinition named by parametersRefs[0], allocates
/// one free address per host-local range (or takes the static addresses), never the same twice, and writes podIPs
/// entries {ip, podNetwork, interfaceName} through pods/status plus the `k8s.v1.cni.cncf.io/network-status` annotation.
/// Addresses are released when the pod goes. A bad config or an exhausted range gives a Warning event and no addresses,
/// so the kubelet keeps the pod waiting for its networks.
/// </summary>
internal sealed partial class MultusController(ControllerContext context) : Reconciler<NamespacedName>(context, "multus")
{
    /// <summary>The provider name PodNetworks use for Multus.</summary>
    public const string Provider = "k8s.cni.cncf.io/multus";

    /// <summary>The annotation Multus writes with the attached networks.</summary>
    public const string NetworkStatusAnnotation = "k8s.v1.cni.cncf.io/network-status";

    private const string NadGroup = "k8s.cni.cncf.io";
    private const string NadKind = "NetworkAttachmentDefinition";
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    private readonly ControllerContext _context = context;
    private readonly MultusAllocations _allocations = new();

    /// <summary>Runs with the MultiNetwork gate on and PodNetworks served; installs the NetworkAttachmentDefinition CRD first.</summary>
    public override async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!_context.FeatureGates.Enabled(FeatureName.MultiNetwork) || DefaultPodNetworkController.PodNetworks(_context.Catalog) is null)
        {
            return;
        }

        await InstallAttachmentDefinitionCrdAsync(cancellationToken);
        await base.RunAsync(cancellationToken);
    }

    protected override void Watch(SharedInformerFactory informers) =>
        informers.Pods.AddHandler(e =>
        {
            if (e.Type == InformerEventType.Deleted)
            {
                _allocations.Release(e.Object.Uid() ?? "");
            }
            else
            {
                _allocations.Remember(e.Object);
                Queue.Add(NamespacedName.Of(e.Object));
            }
        });

    /// <summary>Creates the NetworkAttachmentDefinition CRD (fixtures/crds, embedded) unless it exists, as the Multus daemonset does.</summary>
    private async Task InstallAttachmentDefinitionCrdAsync(CancellationToken cancellationToken)
    {
        if (_context.Catalog.All.FirstOrDefault(s => s.Definition is { Group: "apiextensions.k8s.io", Plural: "customresourcedefinitions" }) is not { } crds
            || crds.TryGet("", "network-attachment-definitions.k8s.cni.cncf.io") is not null)
        {
            return;
        }

        using var stream = typeof(MultusController).Assembly.GetManifestResourceStream("FakeApiServer.Fixtures.NetworkAttachmentDefinitionCrd.yaml")!;
        using var reader = new StreamReader(stream);
        var crd = YamlJson.ParseAll(await reader.ReadToEndAsync(cancellationToken)).OfType<JsonObject>().Single();
        try
        {
            await crds.CreateAsync("", crd, new WriteOptions(FieldManager: "multus"), cancellationToken);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Installed meanwhile.
        }
    }

    protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (Informers.Pods.Lister.Get(key.Namespace, key.Name) is not { } pod)
        {
            return;
        }

        var uid = pod.Uid() ?? "";
        if (pod.HasDeletionTimestamp() || pod["status"]?["phase"]?.GetValue<string>() is "Succeeded" or "Failed")
        {
            _allocations.Release(uid);
            return;
        }

        if (string.IsNullOrEmpty(pod["spec"]?["nodeName"]?.GetValue<string>()) || pod["spec"]?["networks"] is not JsonArray networks)
        {
            return;
        }

        var podIps = (pod["status"]?["podIPs"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (!podIps.Any(p => p.GetString("podNetwork") is null or "" or DefaultPodNetworkController.DefaultName))
        {
            // Multus delegates to the cluster network first: wait for the kubelet's default-network IPs (the pod's next
            // status change brings it back here), so network-status lists them as Multus does.
            return;
        }

        var attached = podIps.Select(p => p.GetString("podNetwork")).Where(n => !string.IsNullOrEmpty(n)).ToHashSet(StringComparer.Ordinal);
        var added = new List<AttachedNetwork>();
        foreach (var network in networks.OfType<JsonObject>())
        {
            if (ResolvePodNetwork(pod, network) is not { } podNetwork)
            {
                continue;
            }

            var pnName = podNetwork.Name();
            if (attached.Contains(pnName) || podNetwork["spec"]?["provider"]?.GetValue<string>() != Provider)
            {
                continue;
            }

            var (nadKey, ipam, problem) = ReadAttachmentDefinition(podNetwork, pod.Namespace());
            if (problem is not null)
            {
                await _context.Events.RecordAsync(pod, "Warning", "FailedCreatePodSandBox", problem, "multus", cancellationToken);
                RequeueAfter(key, RetryDelay);
                return;
            }

            var ips = _allocations.Allocate(uid, nadKey, ipam!, out var exhausted);
            if (exhausted is not null)
            {
                await _context.Events.RecordAsync(pod, "Warning", "FailedCreatePodSandBox", exhausted, "multus", cancellationToken);
                return;
            }

            added.Add(new AttachedNetwork(pnName, network.GetString("interfaceName") ?? "", nadKey, ips));
        }

        if (added.Count == 0)
        {
            return;
        }

        await WriteAsync(_context.Catalog.Get("", "pods"), pod, added, cancellationToken);
    }

    private async Task WriteAsync(ResourceStore pods, JsonObject pod, List<AttachedNetwork> added, CancellationToken cancellationToken)
    {
        var options = new WriteOptions(FieldManager: "multus");
        var (ns, name) = (pod.Namespace(), pod.Name());
        try
        {
            await pods.UpdateAsync(ns, name, current =>
            {
                current.Metadata().Remove("resourceVersion");
                var annotations = current.Metadata()["annotations"] as JsonObject ?? [];
                annotations[NetworkStatusAnnotation] = NetworkStatus(current, added);
                current.Metadata()["annotations"] = annotations;
                return current;
            }, pods.Definition.Strategy, options, cancellationToken);
            await pods.UpdateAsync(ns, name, current =>
            {
                current.Metadata().Remove("resourceVersion");
                var status = current["status"] as JsonObject ?? [];
                var podIps = status["podIPs"] as JsonArray ?? [];
                foreach (var (podNetwork, iface, _, ips) in added)
                {
                    foreach (var ip in ips)
                    {
                        var entry = new JsonObject { ["ip"] = ip, ["podNetwork"] = podNetwork };
                        if (iface.Length > 0)
                        {
                            entry["interfaceName"] = iface;
                        }

                        podIps.Add(entry);
                    }
                }

                status["podIPs"] = podIps;
                current["status"] = status;
                return current;
            }, pods.Definition.StatusStrategy!, options with { Subresource = "status" }, cancellationToken);
            Log.Attached(Logger, ns, name, added.Count);
        }
        catch (ApiException e) when (e.Code is 404 or 409 or 422)
        {
            // The pod went away or changed: the informer brings it back if it still needs addresses.
            _allocations.Release(pod.Uid() ?? "");
        }
    }

    /// <summary>The network-status annotation as Multus writes it: the default network first, then each attached network.</summary>
    private static string NetworkStatus(JsonObject pod, List<AttachedNetwork> added)
    {
        var entries = new JsonArray();
        if (pod.Metadata()["annotations"]?[NetworkStatusAnnotation]?.GetValue<string>() is { } existing && JsonNode.Parse(existing) is JsonArray previous)
        {
            foreach (var item in previous)
            {
                entries.Add(item?.DeepClone());
            }
        }
        else
        {
            var defaultIps = (pod["status"]?["podIPs"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(p => p.GetString("podNetwork") is null or "" or DefaultPodNetworkController.DefaultName)
                .Select(p => (JsonNode?)p.GetString("ip")).ToArray();
            entries.Add(new JsonObject
            {
                ["name"] = "kindnet",
                ["interface"] = "eth0",
                ["ips"] = new JsonArray(defaultIps),
                ["mac"] = Mac(pod.Uid() + "/eth0"),
                ["default"] = true,
                ["dns"] = new JsonObject(),
            });
        }

        foreach (var (_, iface, nad, ips) in added)
        {
            entries.Add(new JsonObject
            {
                ["name"] = nad,
                ["interface"] = iface,
                ["ips"] = new JsonArray(ips.Select(i => (JsonNode?)i).ToArray()),
                ["mac"] = Mac(pod.Uid() + "/" + iface),
                ["dns"] = new JsonObject(),
            });
        }

        return entries.ToJsonString();
    }

    /// <summary>A stable, locally administered MAC address for an interface.</summary>
    private static string Mac(string seed)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(seed));
        hash[0] = (byte)((hash[0] | 0x02) & 0xFE);
        return string.Join(':', hash.Take(6).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }

    /// <summary>The PodNetwork of a pod's network entry, directly or through an attachment in the pod's namespace.</summary>
    private JsonObject? ResolvePodNetwork(JsonObject pod, JsonObject network)
    {
        var name = network.GetString("podNetworkName");
        if (string.IsNullOrEmpty(name) && network.GetString("podNetworkAttachmentName") is { Length: > 0 } attachmentName
            && _context.Catalog.All.FirstOrDefault(s => s.Definition is { Group: "networking.k8s.io", Plural: "podnetworkattachments" }) is { } attachments
            && attachments.TryGet(pod.Namespace(), attachmentName) is { } attachment)
        {
            name = ObjectJson.Parse(attachment.Value)["spec"]?["podNetworkName"]?.GetValue<string>();
        }

        return string.IsNullOrEmpty(name) || DefaultPodNetworkController.PodNetworks(_context.Catalog)?.TryGet("", name) is not { } stored
            ? null
            : ObjectJson.Parse(stored.Value);
    }

    /// <summary>The NetworkAttachmentDefinition of parametersRefs[0] and its IPAM, or the problem to report.</summary>
    private (string NadKey, MultusIpam? Ipam, string? Problem) ReadAttachmentDefinition(JsonObject podNetwork, string podNamespace)
    {
        if ((podNetwork["spec"]?["parametersRefs"] as JsonArray)?.FirstOrDefault() is not JsonObject reference
            || (reference.GetString("group") ?? "").Split('/')[0] != NadGroup || reference.GetString("kind") is not (NadKind or "network-attachment-definitions"))
        {
            return ("", null, $"PodNetwork {podNetwork.Name()} has no NetworkAttachmentDefinition in parametersRefs[0]");
        }

        var ns = reference.GetString("namespace") is { Length: > 0 } n ? n : podNamespace;
        var name = reference.GetString("name") ?? "";
        var nadKey = ns + "/" + name;
        var nads = _context.Catalog.All.FirstOrDefault(s => s.Definition.Group == NadGroup && s.Definition.Kind == NadKind);
        if (nads?.TryGet(ns, name) is not { } stored)
        {
            return (nadKey, null, $"NetworkAttachmentDefinition {nadKey} not found");
        }

        var config = ObjectJson.Parse(stored.Value)["spec"]?["config"]?.GetValue<string>();
        var ipam = MultusIpam.Parse(config, out var error);
        return error is null ? (nadKey, ipam, null) : (nadKey, null, $"NetworkAttachmentDefinition {nadKey}: {error}");
    }

    /// <summary>A network attached to a pod by this simulation: its PodNetwork, interface, attachment definition and addresses.</summary>
    private sealed record AttachedNetwork(string PodNetwork, string Interface, string Nad, IReadOnlyList<string> Ips);

    private static partial class Log
    {
        [LoggerMessage(EventId = 420, Level = LogLevel.Debug, Message = "Attached {Count} network(s) to pod {Namespace}/{Name}")]
        public static partial void Attached(ILogger logger, string @namespace, string name, int count);
    }
}
