using Google.Protobuf;

namespace FakeApiServer.Storage.Etcd;

/// <summary>Store keys to etcd keys and back, under the prefix: "/registry" + "/" + the layout's relative key.</summary>
internal sealed class EtcdKeys(string prefix, IEtcdKeyLayout layout)
{
    private readonly string _root = prefix.TrimEnd('/') + "/";

    /// <summary>The first key under the prefix.</summary>
    public ByteString RangeStart => ByteString.CopyFromUtf8(_root);

    /// <summary>The end of the range under the prefix (exclusive): the prefix with its last byte incremented, as clientv3's WithPrefix.</summary>
    public ByteString RangeEnd => ByteString.CopyFromUtf8(_root[..^1] + (char)(_root[^1] + 1));

    public ByteString ToEtcd(string key) => ByteString.CopyFromUtf8(_root + layout.ToEtcdKey(key));

    /// <summary>The store key, or null for a key that is not one of ours.</summary>
    public string? FromEtcd(ByteString etcdKey)
    {
        var text = etcdKey.ToStringUtf8();
        return text.StartsWith(_root, StringComparison.Ordinal) ? layout.FromEtcdKey(text[_root.Length..]) : null;
    }
}
