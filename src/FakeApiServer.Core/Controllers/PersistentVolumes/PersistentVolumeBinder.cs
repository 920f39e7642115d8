using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;
using FakeApiServer.Controllers.Runtime;

namespace FakeApiServer.Controllers.PersistentVolumes;

/// <summary>
/// kube-controller-manager's persistentvolume-binder, with a simulated external provisioner for every StorageClass
/// provisioner except kubernetes.io/no-provisioner (as kind's local-path-provisioner): an unbound claim binds to the
/// best matching Available volume (<see cref="VolumeMatching"/>); with none, a claim of an Immediate class, or of a
/// WaitForFirstConsumer class once the scheduler set volume.kubernetes.io/selected-node, gets a new volume
/// "pvc-&lt;uid&gt;" (<see cref="ProvisionedVolume"/>), which then binds. Binding sets the volume's claimRef and phase
/// Bound, the claim's volumeName, the bind-completed and bound-by-controller annotations, and its status (phase Bound,
/// capacity, accessModes). When the claim goes, its volume is Released, then deleted when its reclaim policy is Delete.
/// Events as upstream's: WaitForFirstConsumer, FailedBinding, ExternalProvisioning, Provisioning, ProvisioningSucceeded,
/// ProvisioningFailed.
/// </summary>
internal sealed class PersistentVolumeBinder(ControllerContext context)
    : Reconciler<(bool IsClaim, string Namespace, string Name)>(context, "persistentvolume-binder")
{
    public const string Component = "persistentvolume-controller";

    public const string NoProvisioner = "kubernetes.io/no-provisioner";

    private readonly EventRecorder _events = context.Events;

    /// <summary>The claims (by uid) already told they wait for their first consumer, so the event is recorded once.</summary>
    private readonly ConcurrentDictionary<string, bool> _waiting = new(StringComparer.Ordinal);

    private ResourceStore Claims => Context.Catalog.Get("", "persistentvolumeclaims");

    private ResourceStore Volumes => Context.Catalog.Get("", "persistentvolumes");

    private SharedInformer ClaimInformer => Informers.For("", "persistentvolumeclaims");

    private SharedInformer VolumeInformer => Informers.For("", "persistentvolumes");

    private SharedInformer ClassInformer => Informers.For("storage.k8s.io", "storageclasses");

    private static WriteOptions Writes => new(FieldManager: "kube-controller-manager");

    protected override void Watch(SharedInformerFactory informers)
    {
        _ = ClassInformer;
        ClaimInformer.AddHandler(e =>
        {
            var claim = e.Object;
            if (e.Type == InformerEventType.Deleted)
            {
                _waiting.TryRemove(claim.Uid() ?? "", out _);
                if (claim["spec"]?["volumeName"]?.GetValue<string>() is { Length: > 0 } volume)
                {
                    Queue.Add((false, "", volume));
                }

                return;
            }

            Queue.Add((true, claim.Namespace(), claim.Name()));
        });
        VolumeInformer.AddHandler(e =>
        {
            var volume = e.Object;
            if (e.Type != InformerEventType.Deleted)
            {
                Queue.Add((false, "", volume.Name()));
            }

            if (volume["spec"]?["claimRef"] is JsonObject claimRef && claimRef.GetString("namespace") is { } ns && claimRef.GetString("name") is { } name)
            {
                Queue.Add((true, ns, name));
            }
            else if (e.Type != InformerEventType.Deleted)
            {
                // A new Available volume may serve any waiting claim.
                foreach (var claim in ClaimInformer.Lister.List().Where(c => string.IsNullOrEmpty(c["spec"]?["volumeName"]?.GetValue<string>())))
                {
                    Queue.Add((true, claim.Namespace(), claim.Name()));
                }
            }
        });
    }

    protected override Task ReconcileAsync((bool IsClaim, string Namespace, string Name) key, CancellationToken cancellationToken) =>
        key.IsClaim ? SyncClaimAsync(key.Namespace, key.Name, cancellationToken) : SyncVolumeAsync(key.Name, cancellationToken);

    /// <summary>syncClaim: binds, provisions or waits.</summary>
    private async Task SyncClaimAsync(string ns, string name, CancellationToken cancellationToken)
    {
        if (ClaimInformer.Lister.Get(ns, name) is not { } claim || claim.HasDeletionTimestamp())
        {
            return;
        }

        var volumeName = claim["spec"]?["volumeName"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(volumeName))
        {
            await SyncBoundClaimAsync(claim, volumeName, cancellationToken);
            return;
        }

        var className = VolumeMatching.ClaimClass(claim);
        var storageClass = className.Length > 0 ? ClassInformer.Lister.Get(className) : null;
        var delayBinding = storageClass?.GetString("volumeBindingMode") == "WaitForFirstConsumer";
        if (VolumeMatching.FindBestMatch(claim, VolumeInformer.Lister.List(), delayBinding) is { } volume)
        {
            await BindAsync(claim, volume, cancellationToken);
            return;
        }

        var selectedNode = claim.Metadata()["annotations"]?[VolumeAnnotations.SelectedNode]?.GetValue<string>();
        if (delayBinding && selectedNode is null)
        {
            if (_waiting.TryAdd(claim.Uid() ?? "", true))
            {
                await _events.RecordAsync(claim, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding", Component, cancellationToken);
            }

            return;
        }

        if (className.Length == 0)
        {
            await _events.RecordAsync(claim, "Normal", "FailedBinding", "no persistent volumes available for this claim and no storage class is set", Component, cancellationToken);
            return;
        }

        if (storageClass is null)
        {
            await _events.RecordAsync(claim, "Warning", "ProvisioningFailed", $"storageclass.storage.k8s.io \"{className}\" not found", Component, cancellationToken);
            return;
        }

        await ProvisionAsync(claim, storageClass, selectedNode, cancellationToken);
    }

    /// <summary>provisionClaim, then the simulated external provisioner: the claim's provisioner annotations, then its volume.</summary>
    private async Task ProvisionAsync(JsonObject claim, JsonObject storageClass, string? node, CancellationToken cancellationToken)
    {
        var provisioner = storageClass.GetString("provisioner") ?? "";
        if (claim.Metadata()["annotations"]?[VolumeAnnotations.StorageProvisioner]?.GetValue<string>() != provisioner)
        {
            var annotated = await Claims.UpdateAsync(claim.Namespace(), claim.Name(), c =>
            {
                c.Metadata()["resourceVersion"] = claim.Metadata().GetString("resourceVersion");
                var annotations = c.Metadata()["annotations"] as JsonObject ?? [];
                annotations[VolumeAnnotations.BetaStorageProvisioner] = provisioner;
                annotations[VolumeAnnotations.StorageProvisioner] = provisioner;
                c.Metadata()["annotations"] = annotations;
                return c;
            }, Claims.Definition.Strategy, Writes, cancellationToken);
            claim = ObjectJson.Parse(annotated.Value);
            await _events.RecordAsync(claim, "Normal", "ExternalProvisioning",
                $"Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
                Component, cancellationToken);
        }

        if (provisioner == NoProvisioner || VolumeInformer.Lister.Get(ProvisionedVolume.NameFor(claim)) is not null)
        {
            return;
        }

        var reporter = provisioner + "_fakeapiserver";
        await _events.RecordAsync(claim, "Normal", "Provisioning", $"External provisioner is provisioning volume for claim \"{claim.Namespace()}/{claim.Name()}\"", reporter, cancellationToken);
        try
        {
            var created = await Volumes.CreateAsync("", ProvisionedVolume.Build(claim, storageClass, node), Writes, cancellationToken);
            await _events.RecordAsync(claim, "Normal", "ProvisioningSucceeded", $"Successfully provisioned volume {ObjectJson.Parse(created.Value).Name()}", reporter, cancellationToken);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            // Made by an earlier pass: it binds when its event comes.
        }
    }

    /// <summary>A claim with spec.volumeName: finishes the binding when the volume is there and free or ours.</summary>
    private async Task SyncBoundClaimAsync(JsonObject claim, string volumeName, CancellationToken cancellationToken)
    {
        if (VolumeInformer.Lister.Get(volumeName) is not { } volume)
        {
            if (claim.Metadata()["annotations"]?[VolumeAnnotations.BindCompleted] is not null && claim["status"]?["phase"]?.GetValue<string>() != "Lost")
            {
                await SetClaimPhaseAsync(claim, "Lost", null, cancellationToken);
                await _events.RecordAsync(claim, "Warning", "ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!", Component, cancellationToken);
            }

            return;
        }

        var claimRef = volume["spec"]?["claimRef"] as JsonObject;
        if (claimRef is null || VolumeMatching.IsPreBoundTo(volume, claim))
        {
            if (claimRef is null && VolumeMatching.Mismatch(volume, claim) is { } reason)
            {
                await _events.RecordAsync(claim, "Warning", "VolumeMismatch", "Cannot bind to requested volume \"" + volumeName + "\": " + reason, Component, cancellationToken);
                return;
            }

            await BindAsync(claim, volume, cancellationToken);
            return;
        }

        await _events.RecordAsync(claim, "Warning", "FailedBinding", "volume \"" + volumeName + "\" already bound to a different claim.", Component, cancellationToken);
    }

    /// <summary>bind: the volume's claimRef and phase, then the claim's volumeName, annotations and status.</summary>
    private async Task BindAsync(JsonObject claim, JsonObject volume, CancellationToken cancellationToken)
    {
        if (!VolumeMatching.IsPreBoundTo(volume, claim) || string.IsNullOrEmpty(volume["spec"]?["claimRef"]?["uid"]?.GetValue<string>()))
        {
            var setByController = volume["spec"]?["claimRef"] is not JsonObject;
            var written = await Volumes.UpdateAsync("", volume.Name(), v =>
            {
                v.Metadata()["resourceVersion"] = volume.Metadata().GetString("resourceVersion");
                ((JsonObject)v["spec"]!)["claimRef"] = VolumeMatching.ClaimRef(claim);
                if (setByController)
                {
                    var annotations = v.Metadata()["annotations"] as JsonObject ?? [];
                    annotations[VolumeAnnotations.BoundByController] = "yes";
                    v.Metadata()["annotations"] = annotations;
                }

                return v;
            }, Volumes.Definition.Strategy, Writes, cancellationToken);
            volume = ObjectJson.Parse(written.Value);
        }

        await SetVolumePhaseAsync(volume, "Bound", cancellationToken);
        var annotations = claim.Metadata()["annotations"] as JsonObject;
        if (claim["spec"]?["volumeName"]?.GetValue<string>() != volume.Name() || annotations?[VolumeAnnotations.BindCompleted] is null)
        {
            var boundByController = string.IsNullOrEmpty(claim["spec"]?["volumeName"]?.GetValue<string>());
            var written = await Claims.UpdateAsync(claim.Namespace(), claim.Name(), c =>
            {
                c.Metadata()["resourceVersion"] = claim.Metadata().GetString("resourceVersion");
                ((JsonObject)c["spec"]!)["volumeName"] = volume.Name();
                var a = c.Metadata()["annotations"] as JsonObject ?? [];
                a[VolumeAnnotations.BindCompleted] = "yes";
                if (boundByController)
                {
                    a[VolumeAnnotations.BoundByController] = "yes";
                }

                c.Metadata()["annotations"] = a;
                return c;
            }, Claims.Definition.Strategy, Writes, cancellationToken);
            claim = ObjectJson.Parse(written.Value);
        }

        await SetClaimPhaseAsync(claim, "Bound", volume, cancellationToken);
        _waiting.TryRemove(claim.Uid() ?? "", out _);
    }

    /// <summary>syncVolume: Available, Bound, or Released (then deleted for the Delete policy) as its claim says.</summary>
    private async Task SyncVolumeAsync(string name, CancellationToken cancellationToken)
    {
        if (VolumeInformer.Lister.Get(name) is not { } volume || volume.HasDeletionTimestamp())
        {
            return;
        }

        var phase = volume["status"]?["phase"]?.GetValue<string>();
        if (volume["spec"]?["claimRef"] is not JsonObject claimRef)
        {
            await SetVolumePhaseAsync(volume, "Available", cancellationToken);
            return;
        }

        var uid = claimRef.GetString("uid");
        if (string.IsNullOrEmpty(uid))
        {
            // Pre-bound by the user to a claim by name: Available until that claim binds.
            await SetVolumePhaseAsync(volume, "Available", cancellationToken);
            return;
        }

        var claim = ClaimInformer.Lister.Get(claimRef.GetString("namespace") ?? "", claimRef.GetString("name") ?? "");
        if (claim is not null && claim.Uid() == uid)
        {
            var claimVolume = claim["spec"]?["volumeName"]?.GetValue<string>();
            if (string.IsNullOrEmpty(claimVolume) || claimVolume == name)
            {
                if (claimVolume == name)
                {
                    await SetVolumePhaseAsync(volume, "Bound", cancellationToken);
                }

                return;
            }
        }

        if (phase is not ("Released" or "Failed"))
        {
            volume = await SetVolumePhaseAsync(volume, "Released", cancellationToken);
        }

        if (volume["spec"]?["persistentVolumeReclaimPolicy"]?.GetValue<string>() == "Delete")
        {
            try
            {
                await Volumes.DeleteAsync("", name, new DeleteOptions { PreconditionUid = volume.Uid() }, cancellationToken);
            }
            catch (ApiException e) when (e.Code is 404 or 409)
            {
            }
        }
    }

    private async Task<JsonObject> SetVolumePhaseAsync(JsonObject volume, string phase, CancellationToken cancellationToken)
    {
        if (volume["status"]?["phase"]?.GetValue<string>() == phase)
        {
            return volume;
        }

        var written = await Volumes.UpdateAsync("", volume.Name(), v =>
        {
            v.Metadata().Remove("resourceVersion");
            v["status"] = new JsonObject { ["phase"] = phase };
            return v;
        }, Volumes.Definition.StatusStrategy!, Writes with { Subresource = "status" }, cancellationToken);
        return ObjectJson.Parse(written.Value);
    }

    private async Task SetClaimPhaseAsync(JsonObject claim, string phase, JsonObject? volume, CancellationToken cancellationToken)
    {
        var status = claim["status"] as JsonObject ?? [];
        var wanted = (JsonObject)status.DeepClone();
        wanted["phase"] = phase;
        if (volume is not null)
        {
            wanted["accessModes"] = volume["spec"]?["accessModes"]?.DeepClone();
            wanted["capacity"] = volume["spec"]?["capacity"]?.DeepClone();
        }

        if (JsonNode.DeepEquals(status, wanted))
        {
            return;
        }

        await Claims.UpdateAsync(claim.Namespace(), claim.Name(), c =>
        {
            c.Metadata().Remove("resourceVersion");
            c["status"] = wanted.DeepClone();
            return c;
        }, Claims.Definition.StatusStrategy!, Writes with { Subresource = "status" }, cancellationToken);
    }
}
