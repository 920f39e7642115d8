using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Kubelet;

/// <summary>What the kubelet knows when it computes a pod's status.</summary>
/// <param name="HostIp">The node's InternalIP.</param>
/// <param name="OwnIps">The podIPs entries of the network the kubelet serves (the default network), IPv4 first.</param>
/// <param name="OwnLabel">The podNetwork label of those entries; null when every entry is the kubelet's (MultiNetwork off).</param>
/// <param name="RequiredNetworks">The labels of the pod's other networks, whose providers must write their podIPs first.</param>
/// <param name="Stages">How each container behaves once started (<see cref="PodStages"/>), by name.</param>
/// <param name="Now">The time of the write.</param>
internal sealed record KubeletView(
    string HostIp,
    IReadOnlyList<JsonObject> OwnIps,
    string? OwnLabel,
    IReadOnlyList<string> RequiredNetworks,
    IReadOnlyDictionary<string, ContainerStage> Stages,
    DateTimeOffset Now);

/// <summary>Where a pod is in the simulated kubelet's lifecycle, read from its status.</summary>
internal enum PodStage
{
    /// <summary>Bound, no container status yet.</summary>
    Fresh,

    /// <summary>Containers waiting (ContainerCreating / PodInitializing), e.g. for networks.</summary>
    Creating,

    /// <summary>Containers started (running, crash looping, or failed while others run).</summary>
    Running,

    /// <summary>Succeeded or Failed.</summary>
    Terminal,
}

/// <summary>
/// The pod status the simulated kubelet writes at each step, as the real kubelet's generateAPIPodStatus would: pure
/// functions of the stored pod and a <see cref="KubeletView"/>. Conditions keep their lastTransitionTime while their
/// status stays; start times and container ids stay once set, so computing a step again changes nothing.
/// </summary>
internal static class PodStatusBuilder
{
    /// <summary>The first crash-loop back-off, doubled per restart up to <see cref="MaxBackoff"/> (the kubelet's).</summary>
    public static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    public static PodStage StageOf(JsonObject pod)
    {
        var status = pod["status"] as JsonObject;
        if (status?.GetString("phase") is "Succeeded" or "Failed")
        {
            return PodStage.Terminal;
        }

        if (status?["containerStatuses"] is not JsonArray { Count: > 0 } containers)
        {
            return PodStage.Fresh;
        }

        return containers.OfType<JsonObject>().Any(c => c["state"]?["waiting"]?["reason"]?.GetValue<string>() is "ContainerCreating" or "PodInitializing")
            ? PodStage.Creating
            : PodStage.Running;
    }

    /// <summary>Whether every network in <see cref="KubeletView.RequiredNetworks"/> has a podIPs entry.</summary>
    public static bool NetworksReady(JsonObject pod, KubeletView view)
    {
        var labels = (pod["status"]?["podIPs"] as JsonArray ?? []).OfType<JsonObject>().Select(p => p.GetString("podNetwork")).ToHashSet(StringComparer.Ordinal);
        return view.RequiredNetworks.All(labels.Contains);
    }

    /// <summary>
    /// The next status: a fresh pod goes to ContainerCreating; a creating pod starts its containers when
    /// <paramref name="start"/> and its networks are ready; a running pod restarts crash-looping containers whose back-off
    /// is over, as <see cref="ContainerLifecycle"/> has it. The kubelet's IPs are (re)written every time, providers' entries kept after them.
    /// </summary>
    public static JsonObject Next(JsonObject pod, KubeletView view, bool start)
    {
        var old = pod["status"] as JsonObject ?? [];
        var status = (JsonObject)old.DeepClone();
        var now = ObjectMeta.FormatTime(view.Now);
        status["hostIP"] = view.HostIp;
        status["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = view.HostIp });
        status["startTime"] = old.GetString("startTime") ?? now;
        var podIps = new JsonArray([.. view.OwnIps.Select(ip => (JsonNode)ip.DeepClone())]);
        if (view.OwnLabel is not null)
        {
            foreach (var entry in (old["podIPs"] as JsonArray ?? []).OfType<JsonObject>().Where(e => (e.GetString("podNetwork") ?? "") != view.OwnLabel))
            {
                podIps.Add(entry.DeepClone());
            }
        }

        if (podIps.Count > 0)
        {
            status["podIP"] = podIps[0]!["ip"]!.DeepClone();
            status["podIPs"] = podIps;
        }

        var stage = StageOf(pod);
        var attached = podIps.OfType<JsonObject>().Select(p => p.GetString("podNetwork")).ToHashSet(StringComparer.Ordinal);
        var ready = view.RequiredNetworks.All(attached.Contains);
        if (stage == PodStage.Fresh || (stage == PodStage.Creating && !(start && ready)))
        {
            Creating(pod, status, now);
        }
        else if (stage == PodStage.Creating)
        {
            Started(pod, status, view, now);
        }
        else if (stage == PodStage.Running)
        {
            ContainerLifecycle.Advance(pod, status, view.Stages, view.Now);
            EphemeralStarted(pod, status, now);
        }

        return status;
    }

    /// <summary>The status once the pod is being deleted: running containers terminated (exit code 0), not ready.</summary>
    public static JsonObject Terminating(JsonObject pod, DateTimeOffset time)
    {
        var status = (JsonObject)(pod["status"]?.DeepClone() ?? new JsonObject());
        var now = ObjectMeta.FormatTime(time);
        var names = new List<string>();
        foreach (var c in (status["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>())
        {
            names.Add(c.GetString("name") ?? "");
            if (c["state"]?["running"] is JsonObject running)
            {
                c["state"] = new JsonObject
                {
                    ["terminated"] = new JsonObject
                    {
                        ["containerID"] = c["containerID"]?.DeepClone(),
                        ["exitCode"] = 0,
                        ["finishedAt"] = now,
                        ["reason"] = "Completed",
                        ["startedAt"] = running["startedAt"]?.DeepClone(),
                    },
                };
            }

            c["ready"] = false;
            c["started"] = false;
        }

        foreach (var c in (status["ephemeralContainerStatuses"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (c["state"]?["running"] is JsonObject running)
            {
                c["state"] = new JsonObject { ["terminated"] = Terminated(c.GetString("containerID") ?? "", 0, "Completed", now) };
                c["state"]!["terminated"]!["startedAt"] = running["startedAt"]?.DeepClone();
            }
        }

        if (names.Count > 0)
        {
            var unready = "containers with unready status: [" + string.Join(' ', names) + "]";
            status["conditions"] = Conditions(status, now,
                ("PodReadyToStartContainers", false, null, null),
                ("Ready", false, "ContainersNotReady", unready),
                ("ContainersReady", false, "ContainersNotReady", unready));
        }

        return status;
    }

    /// <summary>Whether no container is running any more (what the kubelet waits for before it finishes a delete).</summary>
    public static bool Stopped(JsonObject pod) =>
        !(pod["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>().Any(c => c["state"]?["running"] is not null);

    /// <summary>The back-off after the <paramref name="restarts"/>-th restart: 10 s, 20 s, 40 s, ... at most 5 min.</summary>
    public static TimeSpan Backoff(long restarts) =>
        restarts >= 6 ? MaxBackoff : TimeSpan.FromTicks(Math.Min(InitialBackoff.Ticks << (int)Math.Max(0, restarts - 1), MaxBackoff.Ticks));

    private static void Creating(JsonObject pod, JsonObject status, string now)
    {
        var spec = pod["spec"] as JsonObject;
        var init = Containers(spec, "initContainers");
        var main = Containers(spec, "containers");
        status["phase"] = "Pending";
        if (init.Count > 0)
        {
            status["initContainerStatuses"] = new JsonArray([.. init.Select(c => (JsonNode)Waiting(c, "PodInitializing"))]);
        }

        status["containerStatuses"] = new JsonArray([.. main.Select(c => (JsonNode)Waiting(c, init.Count > 0 ? "PodInitializing" : "ContainerCreating"))]);
        var unready = "containers with unready status: [" + string.Join(' ', main.Select(c => c.GetString("name"))) + "]";
        status["conditions"] = Conditions(status, now,
            ("PodReadyToStartContainers", false, null, null),
            init.Count > 0
                ? ("Initialized", false, "ContainersNotInitialized", "containers with incomplete status: [" + string.Join(' ', init.Select(c => c.GetString("name"))) + "]")
                : ("Initialized", true, null, null),
            ("Ready", false, "ContainersNotReady", unready),
            ("ContainersReady", false, "ContainersNotReady", unready));
    }

    private static void Started(JsonObject pod, JsonObject status, KubeletView view, string now)
    {
        var spec = pod["spec"] as JsonObject;
        var uid = pod.Uid() ?? "";
        var init = Containers(spec, "initContainers");
        if (init.Count > 0)
        {
            status["initContainerStatuses"] = new JsonArray([.. init.Select(c => (JsonNode)new JsonObject
            {
                ["containerID"] = ContainerIds.ContainerId(uid, c.GetString("name")!, 0),
                ["image"] = ContainerIds.Image(c.GetString("image") ?? ""),
                ["imageID"] = ContainerIds.ImageId(c.GetString("image") ?? ""),
                ["lastState"] = new JsonObject(),
                ["name"] = c.GetString("name"),
                ["ready"] = true,
                ["restartCount"] = 0,
                ["started"] = false,
                ["state"] = new JsonObject { ["terminated"] = Terminated(ContainerIds.ContainerId(uid, c.GetString("name")!, 0), 0, "Completed", now) },
            })]);
        }

        var statuses = new JsonArray();
        foreach (var c in Containers(spec, "containers"))
        {
            statuses.Add(Running(uid, c, now, started: true));
        }

        status["containerStatuses"] = statuses;
        ContainerLifecycle.Advance(pod, status, view.Stages, view.Now);
    }

    /// <summary>
    /// Starts the ephemeral containers added since the last step (kubectl debug): each gets a running entry in
    /// status.ephemeralContainerStatuses, which stays as it is from then on. As the kubelet reports them, they are never
    /// ready and carry no started flag (its probe manager only sets that for regular and init containers).
    /// </summary>
    private static void EphemeralStarted(JsonObject pod, JsonObject status, string now)
    {
        var ephemeral = Containers(pod["spec"] as JsonObject, "ephemeralContainers");
        if (ephemeral.Count == 0)
        {
            return;
        }

        var uid = pod.Uid() ?? "";
        var old = (status["ephemeralContainerStatuses"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var statuses = new JsonArray();
        foreach (var c in ephemeral)
        {
            statuses.Add(old.FirstOrDefault(o => o.GetString("name") == c.GetString("name"))?.DeepClone() ?? Running(uid, c, now, started: null));
        }

        status["ephemeralContainerStatuses"] = statuses;
    }

    /// <summary>A container's first run, started at <paramref name="now"/>, not ready; "started" only when given.</summary>
    private static JsonObject Running(string podUid, JsonObject container, string now, bool? started)
    {
        var name = container.GetString("name") ?? "";
        var image = container.GetString("image") ?? "";
        var status = new JsonObject
        {
            ["containerID"] = ContainerIds.ContainerId(podUid, name, 0),
            ["image"] = ContainerIds.Image(image),
            ["imageID"] = ContainerIds.ImageId(image),
            ["lastState"] = new JsonObject(),
            ["name"] = name,
            ["ready"] = false,
            ["restartCount"] = 0,
        };
        if (started is { } value)
        {
            status["started"] = value;
        }

        status["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } };
        return status;
    }

    private static JsonObject Terminated(string containerId, int exitCode, string reason, string now) => new()
    {
        ["containerID"] = containerId,
        ["exitCode"] = exitCode,
        ["finishedAt"] = now,
        ["reason"] = reason,
        ["startedAt"] = now,
    };

    private static JsonObject Waiting(JsonObject container, string reason) => new()
    {
        ["image"] = ContainerIds.Image(container.GetString("image") ?? ""),
        ["imageID"] = "",
        ["lastState"] = new JsonObject(),
        ["name"] = container.GetString("name"),
        ["ready"] = false,
        ["restartCount"] = 0,
        ["started"] = false,
        ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = reason } },
    };

    private static List<JsonObject> Containers(JsonObject? spec, string list) => (spec?[list] as JsonArray ?? []).OfType<JsonObject>().ToList();

    /// <summary>
    /// The pod's conditions in the kubelet's order, PodScheduled kept (True when missing), other types kept after them;
    /// a condition whose status does not change keeps its lastTransitionTime.
    /// </summary>
    internal static JsonArray Conditions(JsonObject status, string now, params (string Type, bool Status, string? Reason, string? Message)[] wanted)
    {
        var existing = (status["conditions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var result = new JsonArray();
        var owned = new HashSet<string>(StringComparer.Ordinal) { "PodScheduled" };
        foreach (var (type, value, reason, message) in wanted)
        {
            owned.Add(type);
            var text = value ? "True" : "False";
            var old = existing.FirstOrDefault(c => c.GetString("type") == type);
            var condition = new JsonObject
            {
                ["type"] = type,
                ["status"] = text,
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = old?.GetString("status") == text ? old.GetString("lastTransitionTime") ?? now : now,
            };
            if (reason is not null)
            {
                condition["reason"] = reason;
            }

            if (message is not null)
            {
                condition["message"] = message;
            }

            result.Add(condition);
        }

        var scheduled = existing.FirstOrDefault(c => c.GetString("type") == "PodScheduled")?.DeepClone()
            ?? new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastProbeTime"] = null, ["lastTransitionTime"] = now };
        result.Add(scheduled);
        foreach (var other in existing.Where(c => !owned.Contains(c.GetString("type") ?? "")))
        {
            result.Add(other.DeepClone());
        }

        return result;
    }
}
