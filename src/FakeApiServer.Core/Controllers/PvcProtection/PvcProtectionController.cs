using System.Text.Json.Nodes;
using FakeApiServer.Admission.Plugins;
using FakeApiServer.Api;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.PvcProtection;

/// <summary>
/// kube-controller-manager's pvc-protection controller: a PersistentVolumeClaim being deleted keeps its
/// kubernetes.io/pvc-protection finalizer (put there by <see cref="StorageObjectInUseProtectionPlugin"/>) while a
/// scheduled pod of its namespace mounts it, so <c>kubectl delete pvc</c> leaves it Terminating until that pod is gone;
/// then the finalizer is taken off and the claim goes. As upstream, a scheduled pod counts whatever its phase (only
/// a generic ephemeral volume's pod stops counting once it is shut down: deleted with grace period 0). A live claim
/// without the finalizer (made while the plugin was off) gets it.
/// </summary>
internal sealed class PvcProtectionController(ControllerContext context) : Reconciler<NamespacedName>(context, "pvc-protection")
{
    /// <summary>Pods by "namespace/claim" for every claim a volume names (persistentVolumeClaim or generic ephemeral).</summary>
    private static readonly Indexer PodsByClaim = new("claim", pod => ClaimNames(pod).Select(c => pod.Namespace() + "/" + c).ToList());

    private SharedInformer ClaimInformer => Informers.For("", "persistentvolumeclaims");

    private SharedInformer PodInformer => Informers.For("", "pods");

    private ResourceStore Claims => Context.Catalog.Get("", "persistentvolumeclaims");

    protected override void Watch(SharedInformerFactory informers)
    {
        ClaimInformer.AddHandler(e =>
        {
            if (e.Type != InformerEventType.Deleted && (NeedsFinalizer(e.Object) || IsDeletionCandidate(e.Object)))
            {
                Queue.Add(NamespacedName.Of(e.Object));
            }
        });
        PodInformer.AddHandler(e =>
        {
            Enqueue(e.Object, e.Type == InformerEventType.Deleted);

            // A pod replaced by another of the same name: the old one may have been holding back a claim.
            if (e.Old is { } old && old.Uid() != e.Object.Uid())
            {
                Enqueue(old, deleted: true);
            }
        });
    }

    protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (ClaimInformer.Lister.Get(key.Namespace, key.Name) is not { } claim)
        {
            return;
        }

        if (IsDeletionCandidate(claim))
        {
            if (!IsUsed(claim))
            {
                await WriteFinalizersAsync(claim, c => StorageObjectInUseProtectionPlugin.RemoveFinalizer(c, StorageObjectInUseProtectionPlugin.PvcProtectionFinalizer), cancellationToken);
            }

            return;
        }

        if (NeedsFinalizer(claim))
        {
            await WriteFinalizersAsync(claim, c => StorageObjectInUseProtectionPlugin.AddFinalizer(c, StorageObjectInUseProtectionPlugin.PvcProtectionFinalizer), cancellationToken);
        }
    }

    /// <summary>Queues the claims of a pod that may have stopped holding them: deleted, terminated or not scheduled.</summary>
    private void Enqueue(JsonObject pod, bool deleted)
    {
        if (!deleted && !IsTerminated(pod) && pod["spec"]?["nodeName"]?.GetValue<string>() is { Length: > 0 })
        {
            return;
        }

        foreach (var claim in ClaimNames(pod))
        {
            Queue.Add(new NamespacedName(pod.Namespace(), claim));
        }
    }

    /// <summary>Whether a scheduled pod of the claim's namespace mounts it (upstream's podUsesPVC over the pods by claim).</summary>
    private bool IsUsed(JsonObject claim) =>
        PodInformer.Lister.ByIndex(PodsByClaim, claim.Namespace() + "/" + claim.Name()).Any(pod => Uses(pod, claim));

    private static bool Uses(JsonObject pod, JsonObject claim)
    {
        if (pod["spec"]?["nodeName"]?.GetValue<string>() is not { Length: > 0 })
        {
            return false;
        }

        foreach (var volume in Volumes(pod))
        {
            if (volume["persistentVolumeClaim"]?["claimName"]?.GetValue<string>() == claim.Name())
            {
                return true;
            }

            // A generic ephemeral volume's claim is "<pod>-<volume>" and must be owned by this pod.
            if (volume["ephemeral"] is JsonObject && !IsShutDown(pod) && pod.Name() + "-" + volume.GetString("name") == claim.Name()
                && OwnerReferences.ControllerOf(claim)?.GetString("uid") == pod.Uid())
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The claims a pod's volumes name.</summary>
    private static IEnumerable<string> ClaimNames(JsonObject pod)
    {
        foreach (var volume in Volumes(pod))
        {
            if (volume["persistentVolumeClaim"] is JsonObject source && source.GetString("claimName") is { Length: > 0 } claim)
            {
                yield return claim;
            }
            else if (volume["ephemeral"] is JsonObject && volume.GetString("name") is { Length: > 0 } name)
            {
                yield return pod.Name() + "-" + name;
            }
        }
    }

    private static IEnumerable<JsonObject> Volumes(JsonObject pod) => (pod["spec"]?["volumes"] as JsonArray)?.OfType<JsonObject>() ?? [];

    /// <summary>Upstream's IsPodTerminated: Failed or Succeeded, or deleted with no container running.</summary>
    private static bool IsTerminated(JsonObject pod)
    {
        if (pod["status"]?["phase"]?.GetValue<string>() is "Failed" or "Succeeded")
        {
            return true;
        }

        return pod.HasDeletionTimestamp()
            && ((pod["status"]?["containerStatuses"] as JsonArray)?.OfType<JsonObject>() ?? []).All(s => s["state"]?["running"] is null);
    }

    /// <summary>Kubelet is done with the pod or it was force-deleted: deleted with a grace period of 0.</summary>
    private static bool IsShutDown(JsonObject pod) =>
        pod.HasDeletionTimestamp() && pod.Metadata().GetInt64("deletionGracePeriodSeconds") == 0;

    private static bool IsDeletionCandidate(JsonObject claim) =>
        claim.HasDeletionTimestamp() && claim.Finalizers().Contains(StorageObjectInUseProtectionPlugin.PvcProtectionFinalizer);

    private static bool NeedsFinalizer(JsonObject claim) =>
        !claim.HasDeletionTimestamp() && !claim.Finalizers().Contains(StorageObjectInUseProtectionPlugin.PvcProtectionFinalizer);

    /// <summary>An update of the claim as seen (its resourceVersion kept: a change meanwhile is a conflict, retried).</summary>
    private async Task WriteFinalizersAsync(JsonObject claim, Action<JsonObject> change, CancellationToken cancellationToken)
    {
        try
        {
            await Claims.UpdateAsync(claim.Namespace(), claim.Name(), current =>
            {
                current.Metadata()["resourceVersion"] = claim.ResourceVersion();
                change(current);
                return current;
            }, Claims.Definition.Strategy, new WriteOptions(FieldManager: Workloads.WorkloadController.FieldManager), cancellationToken);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            // Gone meanwhile.
        }
    }
}
