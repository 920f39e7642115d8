using System.Text.Json.Nodes;
using FakeApiServer.Hosting;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.PersistentVolumes;

/// <summary>
/// The default StorageClass a kind cluster comes with, "standard": provisioner rancher.io/local-path, the default-class
/// annotation, volumeBindingMode WaitForFirstConsumer and reclaimPolicy Delete. Created at start when absent (and when
/// the persistentvolume-binder runs, which simulates its provisioner).
/// </summary>
internal static class DefaultStorageClass
{
    public const string Name = "standard";

    public const string Provisioner = "rancher.io/local-path";

    public static JsonObject Object() => new()
    {
        ["apiVersion"] = "storage.k8s.io/v1",
        ["kind"] = "StorageClass",
        ["metadata"] = new JsonObject
        {
            ["name"] = Name,
            ["annotations"] = new JsonObject { [VolumeAnnotations.IsDefaultClass] = "true" },
        },
        ["provisioner"] = Provisioner,
        ["reclaimPolicy"] = "Delete",
        ["volumeBindingMode"] = "WaitForFirstConsumer",
    };

    public static async Task EnsureAsync(ResourceCatalog catalog, CancellationToken cancellationToken)
    {
        if (catalog.Find("storage.k8s.io", "v1", "storageclasses") is { } classes && classes.TryGet("", Name) is null)
        {
            await Bootstrap.CreateIgnoringExistingAsync(classes, "", Object(), cancellationToken);
        }
    }
}
