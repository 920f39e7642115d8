using System.Text.Json.Nodes;
using FakeApiServer.Admission.Plugins;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.PvProtection;

/// <summary>
/// kube-controller-manager's pv-protection controller: a PersistentVolume being deleted keeps its
/// kubernetes.io/pv-protection finalizer (put there by <see cref="StorageObjectInUseProtectionPlugin"/>) while its
/// status.phase is Bound; once the binder has released it (or it never bound) the finalizer is taken off and the
/// volume goes. A live volume without the finalizer (made while the plugin was off) gets it.
/// </summary>
internal sealed class PvProtectionController(ControllerContext context) : Reconciler<string>(context, "pv-protection")
{
    private SharedInformer VolumeInformer => Informers.For("", "persistentvolumes");

    private ResourceStore Volumes => Context.Catalog.Get("", "persistentvolumes");

    protected override void Watch(SharedInformerFactory informers)
    {
        VolumeInformer.AddHandler(e =>
        {
            if (e.Type != InformerEventType.Deleted && (NeedsFinalizer(e.Object) || IsDeletionCandidate(e.Object)))
            {
                Queue.Add(e.Object.Name());
            }
        });
    }

    protected override async Task ReconcileAsync(string name, CancellationToken cancellationToken)
    {
        if (VolumeInformer.Lister.Get(name) is not { } volume)
        {
            return;
        }

        if (IsDeletionCandidate(volume))
        {
            if (volume["status"]?["phase"]?.GetValue<string>() != "Bound")
            {
                await WriteFinalizersAsync(volume, v => StorageObjectInUseProtectionPlugin.RemoveFinalizer(v, StorageObjectInUseProtectionPlugin.PvProtectionFinalizer), cancellationToken);
            }

            return;
        }

        if (NeedsFinalizer(volume))
        {
            await WriteFinalizersAsync(volume, v => StorageObjectInUseProtectionPlugin.AddFinalizer(v, StorageObjectInUseProtectionPlugin.PvProtectionFinalizer), cancellationToken);
        }
    }

    private static bool IsDeletionCandidate(JsonObject volume) =>
        volume.HasDeletionTimestamp() && volume.Finalizers().Contains(StorageObjectInUseProtectionPlugin.PvProtectionFinalizer);

    private static bool NeedsFinalizer(JsonObject volume) =>
        !volume.HasDeletionTimestamp() && !volume.Finalizers().Contains(StorageObjectInUseProtectionPlugin.PvProtectionFinalizer);

    /// <summary>An update of the volume as seen (its resourceVersion kept: a change meanwhile is a conflict, retried).</summary>
    private async Task WriteFinalizersAsync(JsonObject volume, Action<JsonObject> change, CancellationToken cancellationToken)
    {
        try
        {
            await Volumes.UpdateAsync("", volume.Name(), current =>
            {
                current.Metadata()["resourceVersion"] = volume.ResourceVersion();
                change(current);
                return current;
            }, Volumes.Definition.Strategy, new WriteOptions(FieldManager: Workloads.WorkloadController.FieldManager), cancellationToken);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            // Gone meanwhile.
        }
    }
}
