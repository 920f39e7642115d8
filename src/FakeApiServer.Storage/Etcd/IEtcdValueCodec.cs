namespace FakeApiServer.Storage.Etcd;

/// <summary>
/// The form of a value in etcd. kube-apiserver does not store an object's resourceVersion: it is the key's modification
/// revision, set when the value is read. The caller, which knows the objects, implements both directions.
/// </summary>
public interface IEtcdValueCodec
{
    /// <summary>The bytes to put in etcd for a value as the store serves it (its revision field removed).</summary>
    byte[] ToStorage(byte[] value);

    /// <summary>The value as the store serves it, from the bytes in etcd and the key's modification revision.</summary>
    byte[] FromStorage(byte[] stored, long revision);
}
