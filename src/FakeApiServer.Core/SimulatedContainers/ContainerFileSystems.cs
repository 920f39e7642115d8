using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// The in-memory file systems of one server's simulated containers: each run of a container (its containerID, or its
/// restart count) has its own tree, which starts with the directories and files a minimal image and the kubelet give
/// it (/tmp, /root, /etc/hostname, /etc/hosts, /etc/resolv.conf) and is dropped when the container restarts or the pod
/// goes. emptyDir (and other node-local) volumes are one tree per pod and volume, shared by its containers and kept
/// across restarts; configMap, secret, downwardAPI and projected volumes are rebuilt from the store for each exec.
/// </summary>
internal sealed class ContainerFileSystems(IRevisionedStore store, PodVolumes volumes, TimeProvider time)
{
    private static readonly string[] ContainerLists = ["initContainers", "containers", "ephemeralContainers"];
    private static readonly string[] StatusLists = ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"];

    private readonly object _gate = new();
    private readonly Dictionary<string, Instance> _containers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DirectoryNode> _podVolumes = new(StringComparer.Ordinal);

    /// <summary>The file system <paramref name="target"/>'s container sees now.</summary>
    public ContainerView ViewFor(ContainerTarget target)
    {
        var pod = target.Pod;
        var container = ContainerSpec(pod, target.Container) ?? new JsonObject { ["name"] = target.Container };
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Prune();
            var key = target.Uid + "/" + target.Container;
            var run = RunOf(pod, target.Container);
            if (!_containers.TryGetValue(key, out var instance) || instance.Run != run)
            {
                instance = _containers[key] = new Instance(target.Namespace, target.Name, target.Uid, run, ImageRoot(pod, now));
            }

            var mounts = new List<VolumeMountView>();
            var podVolumes = (pod["spec"]?["volumes"] as JsonArray ?? []).OfType<JsonObject>().ToDictionary(v => v.GetString("name") ?? "", StringComparer.Ordinal);
            foreach (var mount in (container["volumeMounts"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var mountPath = mount.GetString("mountPath") ?? "";
                if (!mountPath.StartsWith('/') || !podVolumes.TryGetValue(mount.GetString("name") ?? "", out var volume))
                {
                    continue;
                }

                FileSystemNode node = volumes.Build(pod, volume) ?? PodVolume(target.Uid, volume.GetString("name") ?? "", now);
                if (mount.GetString("subPath") is { Length: > 0 } subPath)
                {
                    node = SubPath(node, subPath, now);
                }

                var path = "/" + string.Join('/', mountPath.Split('/', StringSplitOptions.RemoveEmptyEntries));
                EnsureDirectory(instance.Root, path, now, isFile: node is not DirectoryNode);
                mounts.Add(new VolumeMountView(path, node));
            }

            var workingDir = container.GetString("workingDir") is { Length: > 0 } dir && dir.StartsWith('/') ? dir : "/";
            return new ContainerView(instance.Root, mounts, workingDir, _gate, now);
        }
    }

    /// <summary>The container's spec among the pod's containers, init containers and ephemeral containers.</summary>
    public static JsonObject? ContainerSpec(JsonObject pod, string name) =>
        ContainerLists.SelectMany(list => pod["spec"]?[list] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => c.GetString("name") == name);

    /// <summary>Which run of the container this is: its containerID, or its restart count when the status has none.</summary>
    private static string RunOf(JsonObject pod, string container)
    {
        var status = StatusLists
            .SelectMany(list => pod["status"]?[list] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(s => s.GetString("name") == container);
        return status?.GetString("containerID") ?? "restart-" + (status?.GetInt64("restartCount") ?? 0);
    }

    private DirectoryNode PodVolume(string uid, string name, DateTimeOffset now)
    {
        var key = uid + "/" + name;
        if (!_podVolumes.TryGetValue(key, out var directory))
        {
            directory = _podVolumes[key] = new DirectoryNode(0777, now);
        }

        return directory;
    }

    /// <summary>The node at <paramref name="subPath"/> in a volume; a writable volume gets the directory created, as the kubelet does.</summary>
    private static FileSystemNode SubPath(FileSystemNode volume, string subPath, DateTimeOffset now)
    {
        var node = volume;
        foreach (var part in subPath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (node is not DirectoryNode directory)
            {
                return new DirectoryNode(0755, now) { ReadOnly = true };
            }

            if (!directory.Entries.TryGetValue(part, out var next))
            {
                next = directory.ReadOnly ? new DirectoryNode(0755, now) { ReadOnly = true } : directory.Entries[part] = new DirectoryNode(0755, now);
            }

            node = next;
        }

        return node;
    }

    private static void EnsureDirectory(DirectoryNode root, string path, DateTimeOffset now, bool isFile)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var directory = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            if (!directory.Entries.TryGetValue(parts[i], out var next) || (next is not DirectoryNode && !last))
            {
                next = directory.Entries[parts[i]] = last && isFile ? new FileNode([], 0644, now) : new DirectoryNode(0755, now);
            }

            if (next is not DirectoryNode child)
            {
                return;
            }

            directory = child;
        }
    }

    /// <summary>What a minimal image and the kubelet put in a new container.</summary>
    private static DirectoryNode ImageRoot(JsonObject pod, DateTimeOffset now)
    {
        var root = new DirectoryNode(0755, now);
        root.Entries["tmp"] = new DirectoryNode(01777, now);
        root.Entries["root"] = new DirectoryNode(0700, now);
        var etc = new DirectoryNode(0755, now);
        root.Entries["etc"] = etc;
        var hostname = ContainerEnvironment.Hostname(pod);
        etc.Entries["hostname"] = new FileNode(Encoding.UTF8.GetBytes(hostname + "\n"), 0644, now);
        var podIp = pod["status"]?["podIP"]?.GetValue<string>();
        var hosts = new StringBuilder("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n");
        if (!string.IsNullOrEmpty(podIp))
        {
            hosts.Append(podIp).Append('\t').Append(hostname).Append('\n');
        }

        etc.Entries["hosts"] = new FileNode(Encoding.UTF8.GetBytes(hosts.ToString()), 0644, now);
        var ns = pod.Namespace();
        etc.Entries["resolv.conf"] = new FileNode(
            Encoding.UTF8.GetBytes($"search {ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"), 0644, now);
        return root;
    }

    /// <summary>Drops the trees of pods that are gone (or were replaced by a pod of the same name).</summary>
    private void Prune()
    {
        foreach (var (key, instance) in _containers.ToList())
        {
            if (ClusterObjects.Pod(store, instance.Namespace, instance.Pod)?.Uid() != instance.Uid)
            {
                _containers.Remove(key);
                foreach (var volume in _podVolumes.Keys.Where(k => k.StartsWith(instance.Uid + "/", StringComparison.Ordinal)).ToList())
                {
                    _podVolumes.Remove(volume);
                }
            }
        }
    }

    private sealed record Instance(string Namespace, string Pod, string Uid, string Run, DirectoryNode Root);
}
