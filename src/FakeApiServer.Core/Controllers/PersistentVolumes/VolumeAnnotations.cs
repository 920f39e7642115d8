namespace FakeApiServer.Controllers.PersistentVolumes;

/// <summary>The annotations the PV controller, the scheduler and provisioners put on claims and volumes (pv_controller.go, storage/util).</summary>
internal static class VolumeAnnotations
{
    /// <summary>On a claim: the controller finished binding it ("yes").</summary>
    public const string BindCompleted = "pv.kubernetes.io/bind-completed";

    /// <summary>On a claim or volume: the controller (not the user) set spec.volumeName or spec.claimRef ("yes").</summary>
    public const string BoundByController = "pv.kubernetes.io/bound-by-controller";

    /// <summary>On a volume: the provisioner that created it.</summary>
    public const string ProvisionedBy = "pv.kubernetes.io/provisioned-by";

    /// <summary>On a claim: the provisioner expected to provision it.</summary>
    public const string StorageProvisioner = "volume.kubernetes.io/storage-provisioner";

    /// <summary>On a claim: the deprecated form of <see cref="StorageProvisioner"/>, still set.</summary>
    public const string BetaStorageProvisioner = "volume.beta.kubernetes.io/storage-provisioner";

    /// <summary>On a claim: the node the scheduler chose for a WaitForFirstConsumer claim's first pod.</summary>
    public const string SelectedNode = "volume.kubernetes.io/selected-node";

    /// <summary>On a StorageClass: it is the default class ("true").</summary>
    public const string IsDefaultClass = "storageclass.kubernetes.io/is-default-class";
}
