using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// kube-apiserver's StorageObjectInUseProtection: every new PersistentVolumeClaim gets the kubernetes.io/pvc-protection
/// finalizer and every new PersistentVolume kubernetes.io/pv-protection, so a claim a scheduled pod still mounts, or a
/// volume still bound, stays Terminating after its delete until the pvc-protection or pv-protection controller
/// (Controllers/PvcProtection, Controllers/PvProtection) finds it unused and takes the finalizer off.
/// </summary>
internal sealed class StorageObjectInUseProtectionPlugin : IMutatingAdmissionPlugin
{
    public const string PluginName = "StorageObjectInUseProtection";

    /// <summary>Upstream's volumeutil.PVCProtectionFinalizer.</summary>
    public const string PvcProtectionFinalizer = "kubernetes.io/pvc-protection";

    /// <summary>Upstream's volumeutil.PVProtectionFinalizer.</summary>
    public const string PvProtectionFinalizer = "kubernetes.io/pv-protection";

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) =>
        request.Operation == AdmissionOperation.Create
        && (request.IsResource("", "persistentvolumeclaims") || request.IsResource("", "persistentvolumes"));

    public ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object is { } obj)
        {
            AddFinalizer(obj, request.Definition.Plural == "persistentvolumes" ? PvProtectionFinalizer : PvcProtectionFinalizer);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Appends <paramref name="finalizer"/> to the object's finalizers unless it is there already.</summary>
    internal static void AddFinalizer(JsonObject obj, string finalizer)
    {
        // Read without Finalizers(): mutating admission runs before validation, so the list may hold anything.
        var metadata = obj.Metadata();
        if (metadata["finalizers"] is not JsonArray finalizers)
        {
            finalizers = [];
            metadata["finalizers"] = finalizers;
        }
        else if (finalizers.Any(f => f is JsonValue v && v.TryGetValue(out string? s) && s == finalizer))
        {
            return;
        }

        finalizers.Add(finalizer);
    }

    /// <summary>The object's finalizers without <paramref name="finalizer"/> (the field dropped when none remain).</summary>
    internal static void RemoveFinalizer(JsonObject obj, string finalizer)
    {
        var kept = obj.Finalizers().Where(f => f != finalizer).Select(f => (JsonNode)JsonValue.Create(f)).ToArray();
        if (kept.Length == 0)
        {
            obj.Metadata().Remove("finalizers");
        }
        else
        {
            obj.Metadata()["finalizers"] = new JsonArray(kept);
        }
    }
}
