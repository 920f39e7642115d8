using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.ReplicaSets;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Features;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Endpoints;

/// <summary>
/// kube-controller-manager's endpoints controller: one core/v1 Endpoints per Service with a selector, named as the
/// service, with the ready pods' addresses (ip, nodeName, targetRef) and the others' in notReadyAddresses, grouped into
/// subsets by their resolved ports; one address per pod, of the service's primary IP family, taken from the pod's
/// default-network IPs (<see cref="EndpointAddresses"/>). The Endpoints go when the service goes. The "kubernetes"
/// service's Endpoints point at this API server (its address and port), as kube-apiserver's endpoint reconciler writes them.
/// </summary>
internal sealed class EndpointsController(ControllerContext context) : Reconciler<NamespacedName>(context, "endpoints")
{
    /// <summary>The label kube-apiserver puts on the "kubernetes" Endpoints so the mirroring controller leaves them alone.</summary>
    public const string SkipMirrorLabel = "endpointslice.kubernetes.io/skip-mirror";

    private readonly bool _multiNetwork = context.FeatureGates.Enabled(FeatureName.MultiNetwork);
    private readonly Uri? _apiServer = context.ApiServerAddress;

    private ResourceStore Services => Context.Catalog.Get("", "services");

    private ResourceStore EndpointsStore => Context.Catalog.Get("", "endpoints");

    protected override void Watch(SharedInformerFactory informers)
    {
        informers.Services.AddHandler(e => Queue.Add(NamespacedName.Of(e.Object)));
        informers.Pods.AddHandler(e =>
        {
            // Any service of the namespace may select the pod, before or after the change: look at all of them.
            foreach (var service in ServicesIn(e.Object.Namespace()))
            {
                Queue.Add(NamespacedName.Of(service));
            }
        });
    }

    private IEnumerable<JsonObject> ServicesIn(string ns) =>
        Informers.Services.Lister.List(ns).Where(s => EndpointAddresses.SelectorOf(s) is not null);

    /// <summary>Writes the service's Endpoints as its pods are now (or deletes them with the service). Idempotent.</summary>
    protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (Informers.Services.Lister.Get(key.Namespace, key.Name) is not { } service)
        {
            await DeleteEndpointsAsync(key, cancellationToken);
            return;
        }

        JsonObject? wanted;
        if (key is { Namespace: "default", Name: "kubernetes" })
        {
            wanted = ApiServerEndpoints(service);
        }
        else if (EndpointAddresses.SelectorOf(service) is { } selector)
        {
            var pods = Informers.Pods.Lister.List(key.Namespace)
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
                Queue.Add(key);
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
}
