using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.SimulatedContainers;

/// <summary>Reading the objects a container sees (ConfigMaps, Secrets, Services, its node) from the newest snapshot.</summary>
internal static class ClusterObjects
{
    public static JsonObject? Get(IRevisionedStore store, string key) =>
        store.Latest.Get(key) is { } stored ? ObjectJson.Parse(stored.Value) : null;

    public static JsonObject? ConfigMap(IRevisionedStore store, string ns, string name) => Get(store, $"/core/configmaps/{ns}/{name}");

    public static JsonObject? Secret(IRevisionedStore store, string ns, string name) => Get(store, $"/core/secrets/{ns}/{name}");

    public static JsonObject? Pod(IRevisionedStore store, string ns, string name) => Get(store, $"/core/pods/{ns}/{name}");

    public static IEnumerable<JsonObject> Services(IRevisionedStore store, string ns) =>
        store.Latest.Range($"/core/services/{ns}/").Select(s => ObjectJson.Parse(s.Value));

    /// <summary>A ConfigMap's entries as bytes: data as UTF-8, binaryData decoded.</summary>
    public static Dictionary<string, byte[]> ConfigMapEntries(JsonObject configMap)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in ObjectMeta.StringMap(configMap["data"]))
        {
            entries[key] = System.Text.Encoding.UTF8.GetBytes(value);
        }

        foreach (var (key, value) in ObjectMeta.StringMap(configMap["binaryData"]))
        {
            entries[key] = Decode(value);
        }

        return entries;
    }

    /// <summary>A Secret's entries, decoded from base64.</summary>
    public static Dictionary<string, byte[]> SecretEntries(JsonObject secret) =>
        ObjectMeta.StringMap(secret["data"]).ToDictionary(p => p.Key, p => Decode(p.Value), StringComparer.Ordinal);

    private static byte[] Decode(string base64)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
