using FakeApiServer.Quota;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// kube-apiserver's PersistentVolumeClaimResize: an update that grows a claim's spec.resources.requests.storage is
/// allowed only for a Bound claim whose StorageClass (the same before and after) has allowVolumeExpansion true.
/// </summary>
internal sealed class PersistentVolumeClaimResizePlugin : IValidatingAdmissionPlugin
{
    public const string PluginName = "PersistentVolumeClaimResize";

    private const string BetaClassAnnotation = "volume.beta.kubernetes.io/storage-class";

    private static readonly string Prefix = ResourceDefinition.KeyPrefixOf("storage.k8s.io", "storageclasses");

    private readonly IRevisionedStore _store;

    public PersistentVolumeClaimResizePlugin(IRevisionedStore store) => _store = store;

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) =>
        request.Operation == AdmissionOperation.Update && request.IsResource("", "persistentvolumeclaims");

    public ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object is not { } claim || request.OldObject is not { } oldClaim)
        {
            return ValueTask.CompletedTask;
        }

        var oldSize = ResourceAmount.Parse(oldClaim["spec"]?["resources"]?["requests"]?["storage"]) ?? ResourceAmount.Zero;
        var newSize = ResourceAmount.Parse(claim["spec"]?["resources"]?["requests"]?["storage"]) ?? ResourceAmount.Zero;
        if (newSize.Value <= oldSize.Value)
        {
            return ValueTask.CompletedTask;
        }

        if (oldClaim["status"]?["phase"]?.GetValue<string>() != "Bound")
        {
            throw request.Forbidden("Only bound persistent volume claims can be expanded");
        }

        if (!AllowsResize(ClassOf(claim), ClassOf(oldClaim)))
        {
            throw request.Forbidden("only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize");
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The claim's class as upstream's GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName.</summary>
    private static string ClassOf(System.Text.Json.Nodes.JsonObject claim) =>
        claim.Metadata()["annotations"]?[BetaClassAnnotation]?.GetValue<string>()
        ?? claim["spec"]?["storageClassName"]?.GetValue<string>()
        ?? "";

    private bool AllowsResize(string className, string oldClassName) =>
        className.Length > 0 && className == oldClassName
        && _store.Latest.Get(Prefix + className) is { } stored
        && ObjectJson.Parse(stored.Value)["allowVolumeExpansion"]?.GetValue<bool>() == true;
}
