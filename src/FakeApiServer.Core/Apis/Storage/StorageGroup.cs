using FakeApiServer.Api.Subresources;
using FakeApiServer.Apis.Storage.CSIDrivers;
using FakeApiServer.Apis.Storage.CSINodes;
using FakeApiServer.Apis.Storage.CSIStorageCapacities;
using FakeApiServer.Apis.Storage.StorageClasses;
using FakeApiServer.Apis.Storage.VolumeAttachments;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Storage;

/// <summary>storage.k8s.io/v1.</summary>
internal static class StorageGroup
{
    public const string Name = "storage.k8s.io";

    public static IEnumerable<ResourceDefinition> Resources()
    {
        yield return new ResourceDefinition(Name, "v1", "CSIDriver", "csidrivers", Namespaced: false)
        {
            Strategy = new CSIDriverStrategy(),
            Defaulter = CSIDriverStrategy.Defaults,
            Table = CSIDriverTable.Instance,
        };

        yield return new ResourceDefinition(Name, "v1", "CSINode", "csinodes", Namespaced: false)
        {
            Strategy = new ResourceStrategy(hasStatus: false),
            Table = CSINodeTable.Instance,
        };

        yield return new ResourceDefinition(Name, "v1", "CSIStorageCapacity", "csistoragecapacities", Namespaced: true)
        {
            Strategy = new RequiredFieldsStrategy("storageClassName"),
            Table = CSIStorageCapacityTable.Instance,
        };

        yield return new ResourceDefinition(Name, "v1", "StorageClass", "storageclasses", Namespaced: false)
        {
            ShortNames = ["sc"],
            Strategy = new StorageClassStrategy(),
            Defaulter = StorageClassStrategy.Defaults,
            Table = StorageClassTable.Instance,
        };

        var attachments = new VolumeAttachmentStrategy();
        yield return new ResourceDefinition(Name, "v1", "VolumeAttachment", "volumeattachments", Namespaced: false)
        {
            Strategy = attachments,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(attachments)) },
            Table = VolumeAttachmentTable.Instance,
        };
    }
}
