using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.ReplicaSets;
using FakeApiServer.Features;
using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.Endpoints;

/// <summary>
/// kube-controller-manager's endpoints controller: one core/v1 Endpoints per Service with a selector, named as the
/// service, with the ready pods' addresses (ip, nodeName, targetRef) and the others' in notReadyAddresses, grouped into
/// subsets by their resolved ports; one address per pod, of the service's primary IP family, taken from the pod's
/// default-network IPs (<see cref="EndpointAddresses"/>). The Endpoints go when the service goes. The "kubernetes"
/// service's Endpoints point at this API server (its address and port), as kube-apiserver's endpoint reconciler writes them.
/// </summary>
internal sealed partial class EndpointsController : IController
{
    /// <summary>The label kube-apiserver puts on the "kubernetes" Endpoints so the mirroring controller leaves them alone.</summary>
    public const string SkipMirrorLabel = "endpointslice.kubernetes.io/skip-mirror";

    /// <summary>How long a failed reconcile waits before it is tried again.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    private readonly ResourceCatalog _catalog;
    private readonly IRevisionedStore _store;
    private readonly bool _multiNetwork;
    private readonly Uri? _apiServer;
    private readonly ILogger _logger;
    private readonly WorkQueue<NamespacedName> _queue;

    public EndpointsController(ControllerContext context)
    {
        _catalog = context.Catalog;
        _store = context.Store;
        _multiNetwork = context.FeatureGates.Enabled(FeatureName.MultiNetwork);
        _apiServer = context.ApiServerAddress;
        _logger = context.LoggerFactory.CreateLogger<EndpointsController>();
        _queue = new WorkQueue<NamespacedName>(context.Time);
    }

    public string Name => "endpoints";

    private ResourceStore Services => _catalog.Get("", "services");

    private ResourceStore Pods => _catalog.Get("", "pods");

    private ResourceStore EndpointsStore => _catalog.Get("", "endpoints");

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        ResourceInformer.RunAsync(Services.Definition, _store, e =>
        {
            var service = ObjectJson.Parse(e.Object!.Value);
            _queue.Add(new NamespacedName(service.Namespace(), service.Name()));
            return ValueTask.CompletedTask;
        }, cancellationToken),
        ResourceInformer.RunAsync(Pods.Definition, _store, e =>
        {
            // Any service of the namespace may select the pod, before or after the change: look at all of them.
            foreach (var service in ServicesIn(ObjectJson.Parse(e.Object!.Value).Namespace()))
            {
                _queue.Add(new NamespacedName(service.Namespace(), service.Name()));
            }

            return ValueTask.CompletedTask;
        }, cancellationToken),
        _queue.RunAsync(ReconcileOrRetryAsync, cancellationToken));

    private IEnumerable<JsonObject> ServicesIn(string ns) =>
        _store.Latest.Range(Services.Definition.NamespacePrefix(ns)).Select(s => ObjectJson.Parse(s.Value)).Where(s => EndpointAddresses.SelectorOf(s) is not null);

    private async Task ReconcileOrRetryAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        try
        {
            await ReconcileAsync(key, cancellationToken);
        }
        catch (ApiException e)
        {
            Log.ReconcileFailed(_logger, key.Namespace, key.Name, e.Message);
            _queue.AddAfter(key, RetryDelay, cancellationToken);
        }
    }

    /// <summary>Writes the service's Endpoints as its pods are now (or deletes them with the service). Idempotent.</summary>
    internal async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (Services.TryGet(key.Namespace, key.Name) is not { } stored)
        {
            await DeleteEndpointsAsync(key, cancellationToken);
            return;
        }

        var service = ObjectJson.Parse(stored.Value);
        JsonObject? wanted;
        if (key is { Namespace: "default", Name: "kubernetes" })
        {
            wanted = ApiServerEndpoints(service);
        }
        else if (EndpointAddresses.SelectorOf(service) is { } selector)
        {
            var pods = _store.Latest.Range(Pods.Definition.NamespacePrefix(key.Namespace))
                .Select(p => ObjectJson.Parse(p.Value))
                .Where(p => selector.Matches(p.Labels()));
            wanted = EndpointsFor(service, pods, _multiNetwork);
        }
        else
        {
            // Without a selector the Endpoints belong to whoever writes them (a user, a mirroring controller).
            return;
        }

        if (wanted is null)
        {
            return;
        }

        if (EndpointsStore.TryGet(key.Namespace, key.Name) is not { } existing)
        {
            try
            {
                await EndpointsStore.CreateAsync(key.Namespace, wanted, new WriteOptions(FieldManager: ReplicaSetController.FieldManager), cancellationToken);
            }
            catch (ApiException e) when (e.Code == 409)
            {
                _queue.Add(key);
            }

            return;
        }

        var current = ObjectJson.Parse(existing.Value);
        if (JsonNode.DeepEquals(current["subsets"], wanted["subsets"]) && JsonNode.DeepEquals(current.Metadata()["labels"], wanted.Metadata()["labels"]))
        {
            return;
        }

        await EndpointsStore.UpdateAsync(key.Namespace, key.Name, obj =>
        {
            obj.Metadata().Remove("resourceVersion");
            SetOrRemove(obj.Metadata(), "labels", wanted.Metadata()["labels"]);
            SetOrRemove(obj, "subsets", wanted["subsets"]);
            return obj;
        }, EndpointsStore.Definition.Strategy, new WriteOptions(FieldManager: ReplicaSetController.FieldManager), cancellationToken);
    }

    /// <summary>The Endpoints of <paramref name="service"/> given the pods its selector matches (syncService).</summary>
    internal static JsonObject EndpointsFor(JsonObject service, IEnumerable<JsonObject> pods, bool multiNetwork)
    {
        var family = EndpointAddresses.FamiliesOf(service)[0];
        var publishNotReady = EndpointAddresses.PublishesNotReady(service);
        var headlessWithoutPorts = EndpointAddresses.IsHeadless(service) && service["spec"]?["ports"] is not JsonArray { Count: > 0 };
        var subsets = new Dictionary<string, (JsonArray Ports, List<JsonObject> Ready, List<JsonObject> NotReady)>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (!EndpointAddresses.ShouldBeInEndpoints(pod, multiNetwork, includeTerminating: publishNotReady)
                || EndpointAddresses.IpsOf(pod, multiNetwork).FirstOrDefault(ip => EndpointAddresses.FamilyOf(ip) == family) is not { } ip)
            {
                continue;
            }

            var ports = headlessWithoutPorts ? [] : EndpointAddresses.PortsFor(service, pod);
            if (ports.Count == 0 && !headlessWithoutPorts)
            {
                continue;
            }

            var address = new JsonObject { ["ip"] = ip };
            if (pod.FieldString("spec.nodeName") is { Length: > 0 } node)
            {
                address["nodeName"] = node;
            }

            address["targetRef"] = EndpointAddresses.TargetRef(pod);
            var signature = ports.ToJsonString();
            if (!subsets.TryGetValue(signature, out var subset))
            {
                subset = (ports, [], []);
                subsets[signature] = subset;
            }

            (publishNotReady || PodState.IsReady(pod) ? subset.Ready : subset.NotReady).Add(address);
        }

        var result = new JsonArray();
        foreach (var (_, (ports, ready, notReady)) in subsets.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var subset = new JsonObject();
            if (ready.Count > 0)
            {
                subset["addresses"] = SortedByIp(ready);
            }

            if (notReady.Count > 0)
            {
                subset["notReadyAddresses"] = SortedByIp(notReady);
            }

            if (ports.Count > 0)
            {
                subset["ports"] = ports;
            }

            result.Add(subset);
        }

        var labels = new JsonObject();
        foreach (var (k, v) in service.Labels().OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            labels[k] = v;
        }

        if (EndpointAddresses.IsHeadless(service))
        {
            labels[EndpointAddresses.HeadlessLabel] = "";
        }

        var endpoints = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Endpoints",
            ["metadata"] = new JsonObject { ["name"] = service.Name(), ["namespace"] = service.Namespace() },
        };
        if (labels.Count > 0)
        {
            endpoints.Metadata()["labels"] = labels;
        }

        if (result.Count > 0)
        {
            endpoints["subsets"] = result;
        }

        return endpoints;
    }

    /// <summary>The "kubernetes" service's Endpoints: this server's address and port, named "https".</summary>
    private JsonObject? ApiServerEndpoints(JsonObject service)
    {
        if (ApiServerIp(_apiServer) is not { } ip)
        {
            return null;
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Endpoints",
            ["metadata"] = new JsonObject
            {
                ["name"] = service.Name(),
                ["namespace"] = service.Namespace(),
                ["labels"] = new JsonObject { [SkipMirrorLabel] = "true" },
            },
            ["subsets"] = new JsonArray(new JsonObject
            {
                ["addresses"] = new JsonArray(new JsonObject { ["ip"] = ip }),
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = _apiServer!.Port, ["protocol"] = "TCP" }),
            }),
        };
    }

    /// <summary>The API server's advertised IP (an unspecified bind address is shown as loopback), or null when unknown.</summary>
    internal static string? ApiServerIp(Uri? apiServer)
    {
        if (apiServer is null || !IPAddress.TryParse(apiServer.Host.Trim('[', ']'), out var address))
        {
            return apiServer?.Host == "localhost" ? "127.0.0.1" : null;
        }

        if (address.Equals(IPAddress.Any))
        {
            return "127.0.0.1";
        }

        return address.Equals(IPAddress.IPv6Any) ? "::1" : address.ToString();
    }

    private async Task DeleteEndpointsAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (EndpointsStore.TryGet(key.Namespace, key.Name) is null)
        {
            return;
        }

        try
        {
            await EndpointsStore.DeleteAsync(key.Namespace, key.Name, new DeleteOptions(), cancellationToken);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
        }
    }

    private static JsonArray SortedByIp(List<JsonObject> addresses) =>
        new(addresses.OrderBy(a => a.GetString("ip"), StringComparer.Ordinal).Select(a => (JsonNode)a).ToArray());

    private static void SetOrRemove(JsonObject obj, string field, JsonNode? value)
    {
        if (value is null)
        {
            obj.Remove(field);
        }
        else
        {
            obj[field] = value.DeepClone();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "Endpoints {Namespace}/{Name} could not be reconciled yet: {Reason}")]
        public static partial void ReconcileFailed(ILogger logger, string @namespace, string name, string reason);
    }
}
