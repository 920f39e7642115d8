using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage.Etcd;

namespace FakeApiServer.Hosting.StorageBackends;

/// <summary>
/// Objects in etcd as kube-apiserver keeps them with --storage-media-type=application/json: the JSON object without
/// metadata.resourceVersion, which is the key's modification revision and is stamped in when read.
/// </summary>
internal sealed class ResourceVersionCodec : IEtcdValueCodec
{
    public byte[] ToStorage(byte[] value)
    {
        var obj = ObjectJson.Parse(value);
        if (obj["metadata"] is JsonObject metadata)
        {
            metadata.Remove("resourceVersion");
        }

        return ObjectJson.Serialize(obj);
    }

    public byte[] FromStorage(byte[] stored, long revision) => ObjectJson.StampAndSerialize(ObjectJson.Parse(stored), revision);
}
