using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Security.ServiceAccounts;
using FakeApiServer.Storage;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// The files a pod's configMap, secret, downwardAPI and projected volumes hold (including the service account token
/// and ca.crt of kube-api-access-*), built read-only from the stored objects at exec time, as the kubelet's volume
/// plugins would have written them. Keys are files named as the keys (or items' paths); an optional source that is
/// missing gives an empty directory.
/// </summary>
internal sealed class PodVolumes(IRevisionedStore store, ServiceAccountIssuer? issuer, TimeProvider time)
{
    /// <summary>The contents of <paramref name="volume"/> as the pod sees it, or null for a volume kind kept in memory per pod (emptyDir and the rest).</summary>
    public DirectoryNode? Build(JsonObject pod, JsonObject volume)
    {
        var now = time.GetUtcNow();
        var files = new List<(string Path, byte[] Content, int Mode)>();
        if (volume["configMap"] is JsonObject configMap)
        {
            AddEntries(files, ConfigMapEntries(pod, configMap), configMap["items"], Mode(configMap, "defaultMode", 0644));
        }
        else if (volume["secret"] is JsonObject secret)
        {
            AddEntries(files, SecretEntries(pod, secret.GetString("secretName")), secret["items"], Mode(secret, "defaultMode", 0644));
        }
        else if (volume["downwardAPI"] is JsonObject downward)
        {
            AddDownward(files, pod, downward["items"], Mode(downward, "defaultMode", 0644));
        }
        else if (volume["projected"] is JsonObject projected)
        {
            var mode = Mode(projected, "defaultMode", 0644);
            foreach (var source in (projected["sources"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (source["configMap"] is JsonObject cm)
                {
                    AddEntries(files, ConfigMapEntries(pod, cm), cm["items"], mode);
                }
                else if (source["secret"] is JsonObject s)
                {
                    AddEntries(files, SecretEntries(pod, s.GetString("name")), s["items"], mode);
                }
                else if (source["downwardAPI"] is JsonObject d)
                {
                    AddDownward(files, pod, d["items"], mode);
                }
                else if (source["serviceAccountToken"] is JsonObject token)
                {
                    files.Add((token.GetString("path") ?? "token", Encoding.UTF8.GetBytes(Token(pod, token)), mode));
                }
            }
        }
        else
        {
            return null;
        }

        var root = new DirectoryNode(0755, now) { ReadOnly = true };
        foreach (var (path, content, mode) in files)
        {
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var directory = root;
            foreach (var part in parts.SkipLast(1))
            {
                if (!directory.Entries.TryGetValue(part, out var next) || next is not DirectoryNode child)
                {
                    child = new DirectoryNode(0755, now) { ReadOnly = true };
                    directory.Entries[part] = child;
                }

                directory = child;
            }

            if (parts.Length > 0)
            {
                directory.Entries[parts[^1]] = new FileNode(content, mode, now) { ReadOnly = true };
            }
        }

        return root;
    }

    private Dictionary<string, byte[]> ConfigMapEntries(JsonObject pod, JsonObject source) =>
        ClusterObjects.ConfigMap(store, pod.Namespace(), source.GetString("name") ?? "") is { } cm ? ClusterObjects.ConfigMapEntries(cm) : [];

    private Dictionary<string, byte[]> SecretEntries(JsonObject pod, string? name) =>
        ClusterObjects.Secret(store, pod.Namespace(), name ?? "") is { } secret ? ClusterObjects.SecretEntries(secret) : [];

    private static void AddEntries(List<(string, byte[], int)> files, Dictionary<string, byte[]> entries, JsonNode? items, int mode)
    {
        if (items is JsonArray list && list.Count > 0)
        {
            foreach (var item in list.OfType<JsonObject>())
            {
                if (entries.TryGetValue(item.GetString("key") ?? "", out var content))
                {
                    files.Add((item.GetString("path") ?? item.GetString("key")!, content, Mode(item, "mode", mode)));
                }
            }

            return;
        }

        files.AddRange(entries.Select(e => (e.Key, e.Value, mode)));
    }

    private void AddDownward(List<(string, byte[], int)> files, JsonObject pod, JsonNode? items, int mode)
    {
        foreach (var item in (items as JsonArray ?? []).OfType<JsonObject>())
        {
            string? value = null;
            if (item["fieldRef"]?["fieldPath"]?.GetValue<string>() is { } fieldPath)
            {
                value = DownwardApi.FieldValue(pod, fieldPath, inVolume: true);
            }
            else if (item["resourceFieldRef"] is JsonObject resourceRef)
            {
                var containerName = resourceRef.GetString("containerName") ?? "";
                var container = (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => c.GetString("name") == containerName);
                value = container is null ? null : DownwardApi.ResourceValue(store, pod, container, resourceRef.GetString("resource") ?? "", resourceRef["divisor"]?.ToString());
            }

            if (value is not null && item.GetString("path") is { } path)
            {
                files.Add((path, Encoding.UTF8.GetBytes(value), Mode(item, "mode", mode)));
            }
        }
    }

    /// <summary>A token the server itself accepts, bound to the pod, as the kubelet requests one (serviceaccounts/token).</summary>
    private string Token(JsonObject pod, JsonObject source)
    {
        if (issuer is null)
        {
            return "";
        }

        var accountName = pod["spec"]?["serviceAccountName"]?.GetValue<string>() is { Length: > 0 } n ? n : "default";
        var account = ClusterObjects.Get(store, $"/core/serviceaccounts/{pod.Namespace()}/{accountName}")
            ?? new JsonObject { ["metadata"] = new JsonObject { ["name"] = accountName, ["namespace"] = pod.Namespace() } };
        var node = pod["spec"]?["nodeName"]?.GetValue<string>() is { Length: > 0 } nodeName ? ClusterObjects.Get(store, "/core/nodes/" + nodeName) : null;
        var expiration = source.GetInt64("expirationSeconds") ?? 3600;
        var extended = expiration == ServiceAccountTokenClaims.WarnOnlyExpirationSeconds;
        var audiences = source.GetString("audience") is { Length: > 0 } audience ? [audience] : issuer.ApiAudiences;
        var claims = ServiceAccountTokenClaims.Build(
            account, pod, null, node, time.GetUtcNow(), extended ? ServiceAccountTokenClaims.ExtendedExpirationSeconds : expiration,
            extended ? expiration : 0, audiences, Guid.NewGuid().ToString());
        return issuer.Sign(claims);
    }

    private static int Mode(JsonObject obj, string field, int fallback) => obj.GetInt64(field) is { } mode and >= 0 and <= 0777 ? (int)mode : fallback;
}
