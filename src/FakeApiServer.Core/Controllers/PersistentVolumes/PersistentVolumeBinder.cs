using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

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
internal sealed partial class PersistentVolumeBinder : IController
{
    public const string Component = "persistentvolume-controller";

    public const string NoProvisioner = "kubernetes.io/no-provisioner";

    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    private readonly ResourceCatalog _catalog;
    private readonly IRevisionedStore _store;
    private readonly EventRecorder _events;
    private readonly ILogger _logger;
    private readonly WorkQueue<(bool IsClaim, string Namespace, string Name)> _queue;

    /// <summary>The claims (by uid) already told they wait for their first consumer, so the event is recorded once.</summary>
    private readonly ConcurrentDictionary<string, bool> _waiting = new(StringComparer.Ordinal);

    public PersistentVolumeBinder(ControllerContext context)
    {
        _catalog = context.Catalog;
        _store = context.Store;
        _events = context.Events;
        _logger = context.LoggerFactory.CreateLogger<PersistentVolumeBinder>();
        _queue = new WorkQueue<(bool, string, string)>(context.Time);
    }

    public string Name => "persistentvolume-binder";

    private ResourceStore Claims => _catalog.Get("", "persistentvolumeclaims");

    private ResourceStore Volumes => _catalog.Get("", "persistentvolumes");

    private ResourceStore Classes => _catalog.Get("storage.k8s.io", "storageclasses");

    private static WriteOptions Writes => new(FieldManager: "kube-controller-manager");

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(
        ResourceInformer.RunAsync(Claims.Definition, _store, e =>
        {
            var claim = ObjectJson.Parse(e.Object!.Value);
            if (e.Type == ResourceEventType.Deleted)
            {
                _waiting.TryRemove(claim.Uid() ?? "", out _);
                if (claim["spec"]?["volumeName"]?.GetValue<string>() is { Length: > 0 } volume)
                {
                    _queue.Add((false, "", volume));
                }

                return ValueTask.CompletedTask;
            }

            _queue.Add((true, claim.Namespace(), claim.Name()));
            return ValueTask.CompletedTask;
        }, cancellationToken),
        ResourceInformer.RunAsync(Volumes.Definition, _store, e =>
        {
            var volume = ObjectJson.Parse(e.Object!.Value);
            if (e.Type != ResourceEventType.Deleted)
            {
                _queue.Add((false, "", volume.Name()));
            }

            if (volume["spec"]?["claimRef"] is JsonObject claimRef && claimRef.GetString("namespace") is { } ns && claimRef.GetString("name") is { } name)
            {
                _queue.Add((true, ns, name));
            }
            else if (e.Type != ResourceEventType.Deleted)
            {
                // A new Available volume may serve any waiting claim.
                foreach (var item in _store.Latest.Range(Claims.Definition.KeyPrefix))
                {
                    var claim = ObjectJson.Parse(item.Value);
                    if (string.IsNullOrEmpty(claim["spec"]?["volumeName"]?.GetValue<string>()))
                    {
                        _queue.Add((true, claim.Namespace(), claim.Name()));
                    }
                }
            }

            return ValueTask.CompletedTask;
        }, cancellationToken),
        _queue.RunAsync(ReconcileOrRetryAsync, cancellationToken));

    private async Task ReconcileOrRetryAsync((bool IsClaim, string Namespace, string Name) key, CancellationToken cancellationToken)
    {
        try
        {
            if (key.IsClaim)
            {
                await SyncClaimAsync(key.Namespace, key.Name, cancellationToken);
            }
            else
            {
                await SyncVolumeAsync(key.Name, cancellationToken);
            }
        }
        catch (ApiException e)
        {
            Log.SyncFailed(_logger, key.Namespace, key.Name, e.Message);
            _queue.AddAfter(key, RetryDelay, cancellationToken);
        }
    }

    /// <summary>syncClaim: binds, provisions or waits.</summary>
    private async Task SyncClaimAsync(string ns, string name, CancellationToken cancellationToken)
    {
        if (Claims.TryGet(ns, name) is not { } stored || ObjectJson.Parse(stored.Value) is not { } claim || claim.HasDeletionTimestamp())
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
        var storageClass = className.Length > 0 && Classes.TryGet("", className) is { } sc ? ObjectJson.Parse(sc.Value) : null;
        var delayBinding = storageClass?.GetString("volumeBindingMode") == "WaitForFirstConsumer";
        if (VolumeMatching.FindBestMatch(claim, AllVolumes(), delayBinding) is { } volume)
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

        if (provisioner == NoProvisioner || Volumes.TryGet("", ProvisionedVolume.NameFor(claim)) is not null)
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
        if (Volumes.TryGet("", volumeName) is not { } stored)
        {
            if (claim.Metadata()["annotations"]?[VolumeAnnotations.BindCompleted] is not null && claim["status"]?["phase"]?.GetValue<string>() != "Lost")
            {
                await SetClaimPhaseAsync(claim, "Lost", null, cancellationToken);
                await _events.RecordAsync(claim, "Warning", "ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!", Component, cancellationToken);
            }

            return;
        }

        var volume = ObjectJson.Parse(stored.Value);
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
                ((JsonObject)v["spec"]!)["claimRef"] = new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "PersistentVolumeClaim",
                    ["name"] = claim.Name(),
                    ["namespace"] = claim.Namespace(),
                    ["resourceVersion"] = claim.Metadata().GetString("resourceVersion"),
                    ["uid"] = claim.Uid(),
                };
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
        if (Volumes.TryGet("", name) is not { } stored || ObjectJson.Parse(stored.Value) is not { } volume || volume.HasDeletionTimestamp())
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

        var claim = Claims.TryGet(claimRef.GetString("namespace") ?? "", claimRef.GetString("name") ?? "") is { } c ? ObjectJson.Parse(c.Value) : null;
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

    private IEnumerable<JsonObject> AllVolumes() =>
        _store.Latest.Range(Volumes.Definition.KeyPrefix).Select(v => ObjectJson.Parse(v.Value));

    private static partial class Log
    {
        [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Persistent volume sync of {Namespace}/{Name} failed, retrying: {Reason}")]
        public static partial void SyncFailed(ILogger logger, string @namespace, string name, string reason);
    }
}
