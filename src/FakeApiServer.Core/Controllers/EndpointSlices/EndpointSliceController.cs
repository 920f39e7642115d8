using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Endpoints;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Controllers.ReplicaSets;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Features;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.EndpointSlices;

/// <summary>
/// kube-controller-manager's endpointslice controller: for every Service with a selector, EndpointSlices per IP family
/// of the service (IPv4 and IPv6 apart) and per set of resolved ports, named "&lt;service&gt;-&lt;random&gt;", labelled
/// kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by, owned by the service (the garbage collector
/// removes them with it). Endpoints carry the pod's default-network addresses of that family
/// (<see cref="EndpointAddresses"/>), conditions ready/serving/terminating, nodeName and targetRef. A family without
/// endpoints keeps one empty placeholder slice, as upstream. The "kubernetes" service gets the slice "kubernetes" that
/// kube-apiserver writes, pointing at this server. Not done: the 100-endpoint limit per slice, topology hints, zones.
/// </summary>
internal sealed class EndpointSliceController(ControllerContext context) : Reconciler<NamespacedName>(context, "endpointslice")
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";

    public const string ControllerName = "endpointslice-controller.k8s.io";

    private readonly bool _multiNetwork = context.FeatureGates.Enabled(FeatureName.MultiNetwork);
    private readonly Uri? _apiServer = context.ApiServerAddress;

    private ResourceStore Slices => Context.Catalog.Get("discovery.k8s.io", "endpointslices");

    private static WriteOptions Writes => new(FieldManager: ReplicaSetController.FieldManager);

    protected override void Watch(SharedInformerFactory informers)
    {
        informers.Services.AddHandler(e => Queue.Add(NamespacedName.Of(e.Object)));
        informers.Pods.AddHandler(e =>
        {
            foreach (var service in Informers.Services.Lister.List(e.Object.Namespace()))
            {
                if (EndpointAddresses.SelectorOf(service) is not null)
                {
                    Queue.Add(NamespacedName.Of(service));
                }
            }
        });
        informers.For("discovery.k8s.io", "endpointslices").AddHandler(e =>
        {
            // A managed slice changed or deleted by someone else is put back.
            var slice = e.Object;
            if (slice.Labels().TryGetValue(ManagedByLabel, out var manager) && manager == ControllerName
                && slice.Labels().TryGetValue(ServiceNameLabel, out var service))
            {
                Queue.Add(new NamespacedName(slice.Namespace(), service));
            }
        });
    }

    /// <summary>Brings the service's slices to what its pods are now. Idempotent.</summary>
    protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (Informers.Services.Lister.Get(key.Namespace, key.Name) is not { } service)
        {
            // The garbage collector deletes the slices with their owner.
            return;
        }

        if (key is { Namespace: "default", Name: "kubernetes" })
        {
            await EnsureApiServerSliceAsync(service, cancellationToken);
            return;
        }

        if (EndpointAddresses.SelectorOf(service) is not { } selector || service.HasDeletionTimestamp())
        {
            return;
        }

        var pods = Informers.Pods.Lister.List(key.Namespace)
            .Where(p => selector.Matches(p.Labels()))
            .ToList();
        var wanted = DesiredSlices(service, pods, _multiNetwork);
        var existing = Informers.For("discovery.k8s.io", "endpointslices").Lister.List(key.Namespace)
            .Where(s => s.Labels().TryGetValue(ServiceNameLabel, out var name) && name == key.Name
                && s.Labels().TryGetValue(ManagedByLabel, out var manager) && manager == ControllerName
                && !s.HasDeletionTimestamp())
            .ToList();
        var labels = SliceLabels(service);
        var owner = new JsonArray(OwnerReferences.NewControllerRef(service, "v1", "Service"));
        foreach (var slice in wanted)
        {
            var match = existing.FirstOrDefault(s => s.GetString("addressType") == slice.AddressType && JsonNode.DeepEquals(s["ports"], slice.Ports));
            if (match is null)
            {
                var created = new JsonObject
                {
                    ["apiVersion"] = "discovery.k8s.io/v1",
                    ["kind"] = "EndpointSlice",
                    ["metadata"] = new JsonObject
                    {
                        ["generateName"] = key.Name + "-",
                        ["namespace"] = key.Namespace,
                        ["labels"] = labels.DeepClone(),
                        ["ownerReferences"] = owner.DeepClone(),
                    },
                    ["addressType"] = slice.AddressType,
                    ["endpoints"] = slice.Endpoints,
                    ["ports"] = slice.Ports,
                };
                await Slices.CreateAsync(key.Namespace, created, Writes, cancellationToken);
                continue;
            }

            existing.Remove(match);
            if (JsonNode.DeepEquals(match["endpoints"], slice.Endpoints) && JsonNode.DeepEquals(match.Metadata()["labels"], labels)
                && JsonNode.DeepEquals(match.Metadata()["ownerReferences"], owner))
            {
                continue;
            }

            await UpdateIgnoringGoneAsync(match, obj =>
            {
                obj.Metadata().Remove("resourceVersion");
                obj.Metadata()["labels"] = labels.DeepClone();
                obj.Metadata()["ownerReferences"] = owner.DeepClone();
                obj["endpoints"] = slice.Endpoints.DeepClone();
                return obj;
            }, cancellationToken);
        }

        foreach (var stale in existing)
        {
            try
            {
                await Slices.DeleteAsync(key.Namespace, stale.Name(), new DeleteOptions { PreconditionUid = stale.Uid() }, cancellationToken);
            }
            catch (ApiException e) when (e.Code is 404 or 409)
            {
            }
        }
    }

    /// <summary>
    /// The slices a service should have: per IP family of the service and per set of ports, the endpoints of the pods
    /// that have an address of that family; one placeholder per family without endpoints.
    /// </summary>
    internal static IReadOnlyList<DesiredSlice> DesiredSlices(JsonObject service, IEnumerable<JsonObject> pods, bool multiNetwork)
    {
        var publishNotReady = EndpointAddresses.PublishesNotReady(service);
        var headlessWithoutPorts = EndpointAddresses.IsHeadless(service) && service["spec"]?["ports"] is not JsonArray { Count: > 0 };
        var podList = pods.Where(p => EndpointAddresses.ShouldBeInEndpoints(p, multiNetwork, includeTerminating: true))
            .OrderBy(p => p.Name(), StringComparer.Ordinal).ToList();
        var result = new List<DesiredSlice>();
        foreach (var family in EndpointAddresses.FamiliesOf(service))
        {
            var groups = new Dictionary<string, DesiredSlice>(StringComparer.Ordinal);
            foreach (var pod in podList)
            {
                var addresses = EndpointAddresses.IpsOf(pod, multiNetwork).Where(ip => EndpointAddresses.FamilyOf(ip) == family).ToList();
                if (addresses.Count == 0)
                {
                    continue;
                }

                var ports = headlessWithoutPorts ? [] : EndpointAddresses.PortsFor(service, pod);
                var signature = ports.ToJsonString();
                if (!groups.TryGetValue(signature, out var group))
                {
                    group = new DesiredSlice(family, ports, []);
                    groups[signature] = group;
                }

                var serving = PodState.IsReady(pod);
                var terminating = pod.HasDeletionTimestamp();
                var endpoint = new JsonObject
                {
                    ["addresses"] = new JsonArray(addresses.Select(a => (JsonNode)JsonValue.Create(a)).ToArray()),
                    ["conditions"] = new JsonObject
                    {
                        ["ready"] = publishNotReady || (serving && !terminating),
                        ["serving"] = serving,
                        ["terminating"] = terminating,
                    },
                };
                if (pod.FieldString("spec.nodeName") is { Length: > 0 } node)
                {
                    endpoint["nodeName"] = node;
                }

                endpoint["targetRef"] = EndpointAddresses.TargetRef(pod);
                group.Endpoints.Add(endpoint);
            }

            if (groups.Count == 0)
            {
                result.Add(new DesiredSlice(family, [], []));
            }

            result.AddRange(groups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Value));
        }

        return result;
    }

    private static JsonObject SliceLabels(JsonObject service)
    {
        var labels = new JsonObject();
        foreach (var (k, v) in service.Labels().Where(l => l.Key is not (ServiceNameLabel or ManagedByLabel)).OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            labels[k] = v;
        }

        if (EndpointAddresses.IsHeadless(service))
        {
            labels[EndpointAddresses.HeadlessLabel] = "";
        }

        labels[ServiceNameLabel] = service.Name();
        labels[ManagedByLabel] = ControllerName;
        return labels;
    }

    /// <summary>kube-apiserver's "kubernetes" EndpointSlice: this server's address and port.</summary>
    private async Task EnsureApiServerSliceAsync(JsonObject service, CancellationToken cancellationToken)
    {
        if (EndpointsController.ApiServerIp(_apiServer) is not { } ip)
        {
            return;
        }

        var endpoints = new JsonArray(new JsonObject
        {
            ["addresses"] = new JsonArray(ip),
            ["conditions"] = new JsonObject { ["ready"] = true },
        });
        var ports = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = _apiServer!.Port, ["protocol"] = "TCP" });
        if (Slices.TryGet(service.Namespace(), service.Name()) is { } stored)
        {
            var current = ObjectJson.Parse(stored.Value);
            if (JsonNode.DeepEquals(current["endpoints"], endpoints) && JsonNode.DeepEquals(current["ports"], ports))
            {
                return;
            }

            await UpdateIgnoringGoneAsync(current, obj =>
            {
                obj.Metadata().Remove("resourceVersion");
                obj["endpoints"] = endpoints.DeepClone();
                obj["ports"] = ports.DeepClone();
                return obj;
            }, cancellationToken);
            return;
        }

        var slice = new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["name"] = service.Name(),
                ["namespace"] = service.Namespace(),
                ["labels"] = new JsonObject { [ServiceNameLabel] = service.Name() },
            },
            ["addressType"] = EndpointAddresses.FamilyOf(ip),
            ["endpoints"] = endpoints,
            ["ports"] = ports,
        };
        try
        {
            await Slices.CreateAsync(service.Namespace(), slice, Writes, cancellationToken);
        }
        catch (ApiException e) when (e.Code == 409)
        {
        }
    }

    private async Task UpdateIgnoringGoneAsync(JsonObject slice, Func<JsonObject, JsonObject> change, CancellationToken cancellationToken)
    {
        try
        {
            await Slices.UpdateAsync(slice.Namespace(), slice.Name(), change, Slices.Definition.Strategy, Writes, cancellationToken);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            // Deleted meanwhile: its delete event brings the service back here.
        }
    }

    /// <summary>One slice the service should have.</summary>
    internal sealed record DesiredSlice(string AddressType, JsonArray Ports, JsonArray Endpoints);
}
