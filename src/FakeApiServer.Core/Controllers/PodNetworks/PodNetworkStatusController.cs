using System.Text.Json.Nodes;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Features;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Controllers.PodNetworks;

/// <summary>
/// podnetwork-status (multinetwork.md section 5, the KEP's controller; the forks set no status): keeps the ParamsReady
/// and Ready conditions of PodNetworks and PodNetworkAttachments, with observedGeneration, and the in-use finalizer
/// `networking.k8s.io/pod-network-protection` on PodNetworks that a pod which has not finished still uses.
/// It watches the whole store, because a parametersRef may name an object of any kind.
/// </summary>
internal sealed class PodNetworkStatusController(ControllerContext context)
    : Reconciler<(string Namespace, string Name, bool Attachment)>(context, "podnetwork-status")
{
    /// <summary>The in-use protection finalizer.</summary>
    public const string ProtectionFinalizer = "networking.k8s.io/pod-network-protection";

    private const string Manager = "podnetwork-status-controller";

    private readonly ControllerContext _context = context;

    private ResourceStore? PodNetworks => DefaultPodNetworkController.PodNetworks(_context.Catalog);

    private ResourceStore? Attachments =>
        _context.Catalog.All.FirstOrDefault(s => s.Definition is { Group: "networking.k8s.io", Plural: "podnetworkattachments" });

    /// <summary>Runs with the MultiNetwork gate on and both kinds served; its own watch over the whole store runs beside the workers.</summary>
    public override async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!_context.FeatureGates.Enabled(FeatureName.MultiNetwork) || PodNetworks is not { } podNetworks || Attachments is not { } attachments)
        {
            return;
        }

        await Task.WhenAll(base.RunAsync(cancellationToken), WatchAsync(podNetworks, attachments, cancellationToken));
    }

    /// <summary>Nothing: a parametersRef may name an object of any kind, so the controller watches the whole store itself.</summary>
    protected override void Watch(SharedInformerFactory informers)
    {
    }

    protected override async Task ReconcileAsync((string Namespace, string Name, bool Attachment) key, CancellationToken cancellationToken)
    {
        if (PodNetworks is not { } podNetworks || Attachments is not { } attachments)
        {
            return;
        }

        if (key.Attachment)
        {
            await ReconcileAttachmentAsync(podNetworks, attachments, key.Namespace, key.Name, cancellationToken);
        }
        else
        {
            await ReconcilePodNetworkAsync(podNetworks, attachments, key.Name, cancellationToken);
        }
    }

    private async Task WatchAsync(ResourceStore podNetworks, ResourceStore attachments, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            // Everything once (a restart or a dropped watch may have missed changes), then every change after that.
            var snapshot = _context.Store.Latest;
            QueueAll(snapshot, podNetworks, attachments);
            using var subscription = _context.Store.Watch("/", snapshot.Revision);
            if (subscription is null)
            {
                continue;
            }

            var podNetworksPrefix = podNetworks.Definition.KeyPrefix;
            var attachmentsPrefix = attachments.Definition.KeyPrefix;
            try
            {
                await foreach (var change in subscription.ReadAllAsync(cancellationToken))
                {
                    var key = change.Object.Key;
                    if (key.StartsWith(podNetworksPrefix, StringComparison.Ordinal))
                    {
                        var name = ObjectJson.Parse(change.Object.Value).Name();
                        Queue.Add(("", name, false));
                        QueueAttachmentsOf(name);
                    }
                    else if (key.StartsWith(attachmentsPrefix, StringComparison.Ordinal))
                    {
                        var attachment = ObjectJson.Parse(change.Object.Value);
                        Queue.Add((attachment.Namespace(), attachment.Name(), true));
                        QueuePodNetwork(attachment);
                    }
                    else if (key.StartsWith("/core/pods/", StringComparison.Ordinal))
                    {
                        foreach (var name in UsedPodNetworks(ObjectJson.Parse(change.Object.Value), attachments).Concat(
                                     change.Previous is { } before ? UsedPodNetworks(ObjectJson.Parse(before.Value), attachments) : []))
                        {
                            Queue.Add(("", name, false));
                        }
                    }
                    else if (!key.StartsWith("/core/events/", StringComparison.Ordinal))
                    {
                        // Possibly a parameters object: look again at what references an object of that resource.
                        QueueReferencing(_context.Store.Latest, podNetworks, attachments, key);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }

        void QueueAttachmentsOf(string podNetwork)
        {
            foreach (var stored in _context.Store.Latest.Range(attachments.Definition.KeyPrefix))
            {
                var attachment = ObjectJson.Parse(stored.Value);
                if (attachment["spec"]?["podNetworkName"]?.GetValue<string>() == podNetwork)
                {
                    Queue.Add((attachment.Namespace(), attachment.Name(), true));
                }
            }
        }

        void QueuePodNetwork(JsonObject attachment)
        {
            if (attachment["spec"]?["podNetworkName"]?.GetValue<string>() is { Length: > 0 } name)
            {
                Queue.Add(("", name, false));
            }
        }
    }

    private void QueueAll(StoreSnapshot snapshot, ResourceStore podNetworks, ResourceStore attachments)
    {
        foreach (var stored in snapshot.Range(podNetworks.Definition.KeyPrefix))
        {
            Queue.Add(("", ObjectJson.Parse(stored.Value).Name(), false));
        }

        foreach (var stored in snapshot.Range(attachments.Definition.KeyPrefix))
        {
            var obj = ObjectJson.Parse(stored.Value);
            Queue.Add((obj.Namespace(), obj.Name(), true));
        }
    }

    /// <summary>Queues the PodNetworks and attachments that have a parametersRef to the resource of <paramref name="key"/>.</summary>
    private void QueueReferencing(StoreSnapshot snapshot, ResourceStore podNetworks, ResourceStore attachments, string key)
    {
        foreach (var (store, attachment) in new[] { (podNetworks, false), (attachments, true) })
        {
            foreach (var stored in snapshot.Range(store.Definition.KeyPrefix))
            {
                // Stored objects are written by our serializer, which never escapes a property name's letters: an object
                // whose bytes do not name parametersRefs has none, and is not parsed (this runs for every write).
                if (stored.Value.AsSpan().IndexOf("\"parametersRefs\""u8) < 0)
                {
                    continue;
                }

                var obj = ObjectJson.Parse(stored.Value);
                if (obj["spec"]?["parametersRefs"] is JsonArray refs
                    && refs.OfType<JsonObject>().Any(r => ResolveResource(r) is { } resource && key.StartsWith(resource.Definition.KeyPrefix, StringComparison.Ordinal)))
                {
                    Queue.Add((obj.Namespace(), obj.Name(), attachment));
                }
            }
        }
    }

    /// <summary>The registry a parametersRef names by group (which may carry a version, as in the examples) and kind or plural.</summary>
    private ResourceStore? ResolveResource(JsonObject reference)
    {
        var group = (reference.GetString("group") ?? "").Split('/')[0];
        var kind = reference.GetString("kind") ?? "";
        return _context.Catalog.All.FirstOrDefault(s => s.Definition.Group == group && (s.Definition.Kind == kind || s.Definition.Plural == kind));
    }

    private async Task ReconcilePodNetworkAsync(ResourceStore podNetworks, ResourceStore attachments, string name, CancellationToken cancellationToken)
    {
        if (podNetworks.TryGet("", name) is not { } stored)
        {
            return;
        }

        var podNetwork = ObjectJson.Parse(stored.Value);
        await EnsureProtectionAsync(podNetworks, attachments, podNetwork, cancellationToken);

        var (paramsReady, paramsReason, paramsMessage) = ResolveParameters(podNetwork, "");
        var enabled = podNetwork["spec"]?["enabled"]?.GetValue<bool>() ?? true;
        var ready = !enabled
            ? ("False", "AdministrativelyDisabled", "the PodNetwork is disabled (spec.enabled is false)")
            : !paramsReady
                ? ("False", "ParamsNotReady", paramsMessage)
                : ("True", "Ready", "the PodNetwork is ready");
        await WriteConditionsAsync(podNetworks, "", name, [
            ("ParamsReady", paramsReady ? "True" : "False", paramsReason, paramsMessage),
            ("Ready", ready.Item1, ready.Item2, ready.Item3),
        ], cancellationToken);
    }

    private async Task ReconcileAttachmentAsync(ResourceStore podNetworks, ResourceStore attachments, string ns, string name, CancellationToken cancellationToken)
    {
        if (attachments.TryGet(ns, name) is not { } stored)
        {
            return;
        }

        var attachment = ObjectJson.Parse(stored.Value);
        var podNetworkName = attachment["spec"]?["podNetworkName"]?.GetValue<string>() ?? "";
        var (paramsReady, paramsReason, paramsMessage) = ResolveParameters(attachment, ns);
        var podNetworkReady = podNetworks.TryGet("", podNetworkName) is { } pn && IsReady(ObjectJson.Parse(pn.Value));
        var ready = !podNetworkReady
            ? ("False", "PodNetworkNotReady", $"PodNetwork {podNetworkName} is missing or not Ready")
            : !paramsReady
                ? ("False", "ParamsNotReady", paramsMessage)
                : ("True", "Ready", "the PodNetworkAttachment is ready");
        await WriteConditionsAsync(attachments, ns, name, [
            ("ParamsReady", paramsReady ? "True" : "False", paramsReason, paramsMessage),
            ("Ready", ready.Item1, ready.Item2, ready.Item3),
        ], cancellationToken);
    }

    /// <summary>Whether every parametersRef names an existing object (group may carry a version, as in the examples).</summary>
    private (bool Ready, string Reason, string Message) ResolveParameters(JsonObject obj, string defaultNamespace)
    {
        if (obj["spec"]?["parametersRefs"] is not JsonArray { Count: > 0 } refs)
        {
            return (true, "NoParameters", "no parametersRefs");
        }

        foreach (var reference in refs.OfType<JsonObject>())
        {
            var name = reference.GetString("name") ?? "";
            var ns = reference.GetString("namespace") is { Length: > 0 } n ? n : defaultNamespace;
            var resource = ResolveResource(reference);
            if (resource is null || resource.TryGet(resource.Definition.Namespaced ? ns : "", name) is null)
            {
                var where = ns.Length > 0 ? ns + "/" + name : name;
                return (false, "ParamsNotReady", $"parametersRef {reference.GetString("kind")} {where} (group {reference.GetString("group")}) not found");
            }
        }

        return (true, "Resolved", "every parametersRef resolves");
    }

    private async Task EnsureProtectionAsync(ResourceStore podNetworks, ResourceStore attachments, JsonObject podNetwork, CancellationToken cancellationToken)
    {
        var name = podNetwork.Name();
        var inUse = _context.Store.Latest.Range("/core/pods/")
            .Select(p => ObjectJson.Parse(p.Value))
            .Where(p => p["status"]?["phase"]?.GetValue<string>() is not ("Succeeded" or "Failed"))
            .Any(p => UsedPodNetworks(p, attachments).Contains(name));
        var has = podNetwork.Finalizers().Contains(ProtectionFinalizer);
        if (inUse == has || (inUse && podNetwork.HasDeletionTimestamp()))
        {
            return;
        }

        await podNetworks.UpdateAsync("", name, current =>
        {
            current.Metadata().Remove("resourceVersion");
            var finalizers = current.Metadata()["finalizers"] as JsonArray ?? [];
            if (inUse)
            {
                finalizers.Add(ProtectionFinalizer);
            }
            else
            {
                foreach (var f in finalizers.Where(f => f?.GetValue<string>() == ProtectionFinalizer).ToList())
                {
                    finalizers.Remove(f);
                }
            }

            current.Metadata()["finalizers"] = finalizers;
            return current;
        }, podNetworks.Definition.Strategy, new WriteOptions(FieldManager: Manager), cancellationToken);
    }

    /// <summary>The PodNetworks a pod uses: named directly, or through an attachment in the pod's namespace.</summary>
    private static IEnumerable<string> UsedPodNetworks(JsonObject pod, ResourceStore attachments)
    {
        if (pod["spec"]?["networks"] is not JsonArray networks)
        {
            yield break;
        }

        foreach (var network in networks.OfType<JsonObject>())
        {
            if (network.GetString("podNetworkName") is { Length: > 0 } direct)
            {
                yield return direct;
            }
            else if (network.GetString("podNetworkAttachmentName") is { Length: > 0 } attachmentName
                && attachments.TryGet(pod.Namespace(), attachmentName) is { } stored
                && ObjectJson.Parse(stored.Value)["spec"]?["podNetworkName"]?.GetValue<string>() is { Length: > 0 } viaAttachment)
            {
                yield return viaAttachment;
            }
        }
    }

    private static bool IsReady(JsonObject obj) =>
        obj["status"]?["conditions"] is JsonArray conditions
        && conditions.OfType<JsonObject>().Any(c => c.GetString("type") == "Ready" && c.GetString("status") == "True");

    private async Task WriteConditionsAsync(
        ResourceStore store, string ns, string name, IReadOnlyList<(string Type, string Status, string Reason, string Message)> wanted, CancellationToken cancellationToken)
    {
        var now = ObjectMeta.FormatTime(_context.Time.GetUtcNow());
        await store.UpdateAsync(ns, name, current =>
        {
            current.Metadata().Remove("resourceVersion");
            var generation = current.Metadata().GetInt64("generation") ?? 1;
            var status = current["status"] as JsonObject ?? [];
            var existing = (status["conditions"] as JsonArray ?? []).OfType<JsonObject>().ToDictionary(c => c.GetString("type") ?? "", StringComparer.Ordinal);
            var conditions = new JsonArray();
            foreach (var (type, value, reason, message) in wanted)
            {
                var before = existing.GetValueOrDefault(type);
                var transition = before is not null && before.GetString("status") == value ? before["lastTransitionTime"]?.DeepClone() : now;
                conditions.Add(new JsonObject
                {
                    ["type"] = type,
                    ["status"] = value,
                    ["observedGeneration"] = generation,
                    ["lastTransitionTime"] = transition,
                    ["reason"] = reason,
                    ["message"] = message,
                });
            }

            foreach (var (type, other) in existing)
            {
                if (!wanted.Any(w => w.Type == type))
                {
                    conditions.Add(other.DeepClone());
                }
            }

            status["conditions"] = conditions;
            current["status"] = status;
            return current;
        }, store.Definition.StatusStrategy!, new WriteOptions(FieldManager: Manager) { Subresource = "status" }, cancellationToken);
    }
}
