namespace FakeApiServer.Storage.Etcd;

/// <summary>
/// Where a store key lives in etcd, below the prefix: the caller (which knows the resources) lays keys out as
/// kube-apiserver does, so this layer stays free of Kubernetes types.
/// </summary>
public interface IEtcdKeyLayout
{
    /// <summary>The etcd key of <paramref name="key"/>, relative to the prefix and without a leading slash ("pods/default/web").</summary>
    string ToEtcdKey(string key);

    /// <summary>
    /// The store key of <paramref name="etcdKey"/> (relative to the prefix, no leading slash), or null for a key that is
    /// not one of this server's objects (another server's bookkeeping under the same prefix), which the store ignores.
    /// </summary>
    string? FromEtcdKey(string etcdKey);
}
