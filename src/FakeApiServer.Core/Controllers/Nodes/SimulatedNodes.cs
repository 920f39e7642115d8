using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Nodes;

/// <summary>
/// The simulated nodes, named and addressed as kind names a cluster called "fakeapiserver": node 0 is
/// fakeapiserver-control-plane (tainted NoSchedule unless it is the only node, as kind does), then fakeapiserver-worker,
/// fakeapiserver-worker2, ... Node i has InternalIP 172.18.0.(i+2) (.1 is the docker bridge's gateway) and the pod
/// CIDRs 10.244.i.0/24 and fd00:10:244:i::/64, as kind's dual-stack clusters.
/// </summary>
internal static class SimulatedNodes
{
    /// <summary>The most nodes: the /24 pod CIDRs and the 172.18.0.0/24 addresses run out after that.</summary>
    public const int MaxCount = 250;

    public const string ControlPlaneRole = "node-role.kubernetes.io/control-plane";

    /// <summary>
    /// "true" on a simulated Node: its kubelet is stopped (no lease renewals, no status heartbeats, no pod updates) until
    /// the annotation is removed or set to anything else, so the node lifecycle controller finds it unreachable.
    /// </summary>
    public const string StoppedAnnotation = "fakeapiserver.io/stopped";

    /// <summary>The kubelet's default maxPods.</summary>
    public const int MaxPods = 110;

    public static string Name(int index) => index switch
    {
        0 => "fakeapiserver-control-plane",
        1 => "fakeapiserver-worker",
        _ => "fakeapiserver-worker" + index.ToString(CultureInfo.InvariantCulture),
    };

    public static IReadOnlyList<string> Names(int count) => Enumerable.Range(0, count).Select(Name).ToList();

    /// <summary>The index of a simulated node, or -1 when <paramref name="name"/> is not one of the first <paramref name="count"/>.</summary>
    public static int IndexOf(string name, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (Name(i) == name)
            {
                return i;
            }
        }

        return -1;
    }

    public static string InternalIp(int index) => "172.18.0." + (index + 2).ToString(CultureInfo.InvariantCulture);

    /// <summary>The node's pod CIDRs, IPv4 first, in canonical form (fd00:10:244::/64 for node 0).</summary>
    public static IReadOnlyList<string> PodCidrs(int index) =>
    [
        FormattableString.Invariant($"10.244.{index}.0/24"),
        IPAddress.Parse(FormattableString.Invariant($"fd00:10:244:{index:x}::")) + "/64",
    ];

    /// <summary>The node as its kubelet registers it: labels, taints, pod CIDRs, addresses, capacity, node info and conditions.</summary>
    public static JsonObject Build(int index, int count, DateTimeOffset now)
    {
        var name = Name(index);
        var labels = new JsonObject
        {
            ["beta.kubernetes.io/arch"] = "amd64",
            ["beta.kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
            ["kubernetes.io/hostname"] = name,
            ["kubernetes.io/os"] = "linux",
        };
        var spec = new JsonObject
        {
            ["podCIDR"] = PodCidrs(index)[0],
            ["podCIDRs"] = new JsonArray([.. PodCidrs(index).Select(c => (JsonNode?)c)]),
            ["providerID"] = "kind://docker/fakeapiserver/" + name,
        };
        if (index == 0)
        {
            labels[ControlPlaneRole] = "";
            labels["node.kubernetes.io/exclude-from-external-load-balancers"] = "";
            if (count > 1)
            {
                spec["taints"] = new JsonArray(new JsonObject { ["key"] = ControlPlaneRole, ["effect"] = "NoSchedule" });
            }
        }

        var resources = new JsonObject
        {
            ["cpu"] = "8",
            ["ephemeral-storage"] = "100Gi",
            ["hugepages-1Gi"] = "0",
            ["hugepages-2Mi"] = "0",
            ["memory"] = "16Gi",
            ["pods"] = MaxPods.ToString(CultureInfo.InvariantCulture),
        };
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = labels,
                ["annotations"] = new JsonObject
                {
                    ["kubeadm.alpha.kubernetes.io/cri-socket"] = "unix:///run/containerd/containerd.sock",
                    ["node.alpha.kubernetes.io/ttl"] = "0",
                    ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true",
                },
            },
            ["spec"] = spec,
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = InternalIp(index) },
                    new JsonObject { ["type"] = "Hostname", ["address"] = name }),
                ["allocatable"] = resources.DeepClone(),
                ["capacity"] = resources,
                ["conditions"] = new JsonArray([.. KubeletConditions(now)]),
                ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = 10250 } },
                ["nodeInfo"] = new JsonObject
                {
                    ["architecture"] = "amd64",
                    ["bootID"] = StableId(name, "boot"),
                    ["containerRuntimeVersion"] = "containerd://2.1.1",
                    ["kernelVersion"] = "6.8.0-fakeapiserver",
                    ["kubeProxyVersion"] = ServerVersion.Default.GitVersion,
                    ["kubeletVersion"] = ServerVersion.Default.GitVersion,
                    ["machineID"] = StableId(name, "machine").Replace("-", "", StringComparison.Ordinal),
                    ["operatingSystem"] = "linux",
                    ["osImage"] = "Debian GNU/Linux 12 (bookworm)",
                    ["systemUUID"] = StableId(name, "system"),
                },
            },
        };
    }

    /// <summary>Whether the node's kubelet is stopped (<see cref="StoppedAnnotation"/>).</summary>
    public static bool IsStopped(JsonObject node) => node.Metadata()["annotations"]?[StoppedAnnotation] is JsonValue v && v.TryGetValue(out string? text) && text == "true";

    /// <summary>The conditions a healthy simulated kubelet reports, heartbeat and transition at <paramref name="now"/>.</summary>
    public static IReadOnlyList<JsonObject> KubeletConditions(DateTimeOffset now)
    {
        var time = ObjectMeta.FormatTime(now);
        return
        [
            Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", time),
            Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", time),
            Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", time),
            Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", time),
        ];
    }

    private static JsonObject Condition(string type, string status, string reason, string message, string time) => new()
    {
        ["type"] = type,
        ["status"] = status,
        ["lastHeartbeatTime"] = time,
        ["lastTransitionTime"] = time,
        ["reason"] = reason,
        ["message"] = message,
    };

    /// <summary>A GUID-shaped id that is the same for a node on every start, as a machine's ids are.</summary>
    private static string StableId(string name, string what) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(what + "/" + name)).AsSpan(0, 16)).ToString();
}
