using System.Text.Json.Nodes;
using FakeApiServer.Controllers.PersistentVolumes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Scheduling;

/// <summary>
/// The scheduler's VolumeBinding plugin. PreFilter: every claim the pod names must exist, not be Lost or being deleted
/// (upstream's messages), and every claim of an Immediate class must be bound ("pod has unbound immediate
/// PersistentVolumeClaims"). Filter, per node: a bound claim's volume must admit the node ("node(s) had volume node
/// affinity conflict"); an unbound WaitForFirstConsumer claim needs an Available volume that admits the node or a class
/// that provisions ("node(s) didn't find available persistent volumes to bind"); a claim already given a selected node
/// only fits that node. What to write once a node is chosen is in <see cref="Plan"/>.
/// </summary>
internal sealed class VolumeBinding
{
    public const string UnboundImmediateMessage = "pod has unbound immediate PersistentVolumeClaims";

    public const string BindConflictReason = "node(s) didn't find available persistent volumes to bind";

    public const string NodeConflictReason = "node(s) had volume node affinity conflict";

    private readonly List<JsonObject> _bound = [];
    private readonly List<(JsonObject Claim, JsonObject? Class)> _toBind = [];

    private VolumeBinding()
    {
    }

    /// <summary>Why the pod cannot be scheduled anywhere (PreFilter), or null.</summary>
    public string? PreFilterMessage { get; private init; }

    /// <summary>Whether every claim is bound already (nothing to do before binding the pod).</summary>
    public bool AllBound => _toBind.Count == 0;

    /// <summary>Reads the pod's claims: <paramref name="claim"/> by namespace and name, <paramref name="storageClass"/> by name.</summary>
    public static VolumeBinding PreFilter(JsonObject pod, Func<string, string, JsonObject?> claim, Func<string, JsonObject?> storageClass)
    {
        var result = new VolumeBinding();
        var unboundImmediate = false;
        foreach (var volume in (pod["spec"]?["volumes"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var ephemeral = volume["ephemeral"] is JsonObject;
            var claimName = volume["persistentVolumeClaim"]?["claimName"]?.GetValue<string>()
                ?? (ephemeral ? pod.Name() + "-" + volume.GetString("name") : null);
            if (claimName is null)
            {
                continue;
            }

            if (claim(pod.Namespace(), claimName) is not { } pvc)
            {
                return new VolumeBinding
                {
                    PreFilterMessage = ephemeral
                        ? $"waiting for ephemeral volume controller to create the persistentvolumeclaim \"{claimName}\""
                        : $"persistentvolumeclaim \"{claimName}\" not found",
                };
            }

            if (pvc["status"]?["phase"]?.GetValue<string>() == "Lost")
            {
                return new VolumeBinding
                {
                    PreFilterMessage = $"persistentvolumeclaim \"{claimName}\" bound to non-existent persistentvolume \"{pvc["spec"]?["volumeName"]?.GetValue<string>()}\"",
                };
            }

            if (pvc.HasDeletionTimestamp())
            {
                return new VolumeBinding { PreFilterMessage = $"persistentvolumeclaim \"{claimName}\" is being deleted" };
            }

            if (IsFullyBound(pvc))
            {
                result._bound.Add(pvc);
                continue;
            }

            var className = VolumeMatching.ClaimClass(pvc);
            var sc = className.Length > 0 ? storageClass(className) : null;
            if (sc?.GetString("volumeBindingMode") == "WaitForFirstConsumer")
            {
                result._toBind.Add((pvc, sc));
            }
            else
            {
                unboundImmediate = true;
            }
        }

        return unboundImmediate ? new VolumeBinding { PreFilterMessage = UnboundImmediateMessage } : result;
    }

    /// <summary>Why <paramref name="node"/> cannot serve the pod's volumes; empty when it can.</summary>
    public IReadOnlyList<string> Filter(JsonObject node, Func<string, JsonObject?> volume, IReadOnlyList<JsonObject> volumes)
    {
        var reasons = new List<string>();
        foreach (var claim in _bound)
        {
            if (volume(claim["spec"]?["volumeName"]?.GetValue<string>() ?? "") is { } pv && !VolumeMatching.AdmitsNode(pv, node))
            {
                reasons.Add(NodeConflictReason);
                break;
            }
        }

        foreach (var (claim, sc) in _toBind)
        {
            if (!Fits(claim, sc, node, volumes))
            {
                reasons.Add(BindConflictReason);
                break;
            }
        }

        return reasons;
    }

    /// <summary>
    /// What the scheduler writes for <paramref name="node"/> before it binds the pod (BindPodVolumes): a matching static
    /// volume for a claim gets a claimRef to it, or else the claim gets the selected-node annotation for its provisioner.
    /// </summary>
    public IEnumerable<(JsonObject Claim, JsonObject? Volume)> Plan(JsonObject node, IReadOnlyList<JsonObject> volumes) =>
        _toBind.Select(c => (c.Claim, VolumeMatching.FindBestMatch(c.Claim, volumes, delayBinding: true, node)));

    /// <summary>isPVCFullyBound: spec.volumeName set and the bind-completed annotation.</summary>
    private static bool IsFullyBound(JsonObject claim) =>
        !string.IsNullOrEmpty(claim["spec"]?["volumeName"]?.GetValue<string>())
        && claim.Metadata()["annotations"]?[VolumeAnnotations.BindCompleted] is not null;

    private static bool Fits(JsonObject claim, JsonObject? sc, JsonObject node, IReadOnlyList<JsonObject> volumes)
    {
        if (claim.Metadata()["annotations"]?[VolumeAnnotations.SelectedNode]?.GetValue<string>() is { } selected)
        {
            return selected == node.Name();
        }

        return VolumeMatching.FindBestMatch(claim, volumes, delayBinding: true, node) is not null
            || (sc?.GetString("provisioner") is { } provisioner && provisioner != PersistentVolumeBinder.NoProvisioner);
    }
}
