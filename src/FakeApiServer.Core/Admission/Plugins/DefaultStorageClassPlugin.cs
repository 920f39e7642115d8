using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// kube-apiserver's DefaultStorageClass: a PersistentVolumeClaim created without spec.storageClassName (null, not "")
/// and without the beta class annotation gets the default StorageClass (annotation
/// storageclass.kubernetes.io/is-default-class "true"); of several defaults the newest wins, ties by name.
/// </summary>
internal sealed class DefaultStorageClassPlugin : IMutatingAdmissionPlugin
{
    public const string PluginName = "DefaultStorageClass";

    private static readonly string Prefix = ResourceDefinition.KeyPrefixOf("storage.k8s.io", "storageclasses");

    private readonly IRevisionedStore _store;

    public DefaultStorageClassPlugin(IRevisionedStore store) => _store = store;

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) =>
        request.Operation == AdmissionOperation.Create && request.IsResource("", "persistentvolumeclaims");

    public ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object is not { } claim || claim["spec"] is not JsonObject spec
            || spec["storageClassName"] is not null || claim.Metadata()["annotations"]?["volume.beta.kubernetes.io/storage-class"] is not null)
        {
            return ValueTask.CompletedTask;
        }

        var defaultClass = DefaultClass.Newest(_store, Prefix, "storageclass.kubernetes.io/is-default-class");
        if (defaultClass is not null)
        {
            spec["storageClassName"] = defaultClass.Name();
        }

        return ValueTask.CompletedTask;
    }
}
