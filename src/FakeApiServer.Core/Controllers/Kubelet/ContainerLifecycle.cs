using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Kubelet;

/// <summary>
/// The per-container state machine of the simulated kubelet once a pod's containers have started, driven by their
/// <see cref="ContainerStage"/>s and the pod's restartPolicy, as the kubelet's SyncPod and getPhase would show it: a
/// container running for its stage's exitAfter terminates (Completed or Error with the stage's exit code); when the
/// restart policy restarts it, the first restart is immediate and each later one waits in CrashLoopBackOff for the
/// kubelet's back-off (10 s doubling to 5 min, <see cref="PodStatusBuilder.Backoff"/>), with restartCount and
/// lastState.terminated as the kubelet reports them; otherwise it stays terminated, and once every container has, the
/// pod is Succeeded (all exited 0) or Failed. Pure functions of the pod, its stages and the time: the transitions due
/// by then are all applied, so a clock that jumps ahead lands in the same state as one that ticked.
/// </summary>
internal static class ContainerLifecycle
{
    /// <summary>At most this many transitions per container in one step; a clock jump further on is caught up by the next sync.</summary>
    private const int MaxTransitions = 64;

    /// <summary>Applies to <paramref name="status"/> (the pod's new status, containers started) every transition due by <paramref name="now"/>.</summary>
    public static void Advance(JsonObject pod, JsonObject status, IReadOnlyDictionary<string, ContainerStage> stages, DateTimeOffset now)
    {
        var restartPolicy = pod["spec"]?["restartPolicy"]?.GetValue<string>() ?? "Always";
        var uid = pod.Uid() ?? "";
        var statuses = (status["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        foreach (var cs in statuses)
        {
            var name = cs.GetString("name") ?? "";
            var stage = stages.GetValueOrDefault(name) ?? ContainerStage.Running;
            for (var i = 0; i < MaxTransitions && Step(pod, uid, cs, stage, restartPolicy, now); i++)
            {
            }

            var running = cs["state"]?["running"]?["startedAt"] is not null;
            cs["started"] = running;
            cs["ready"] = running && !stage.FailsReadiness && Time(cs["state"]?["running"]?["startedAt"]) + stage.ReadyAfter <= now;
        }

        var stamp = ObjectMeta.FormatTime(now);
        var finished = statuses.Count > 0 && statuses.All(c => c["state"]?["terminated"] is not null);
        if (finished)
        {
            status["phase"] = statuses.All(c => (c["state"]?["terminated"]?["exitCode"]?.GetValue<int>() ?? 0) == 0) ? "Succeeded" : "Failed";
            status["conditions"] = PodStatusBuilder.Conditions(status, stamp,
                ("PodReadyToStartContainers", false, null, null),
                ("Initialized", true, null, null),
                ("Ready", false, "PodCompleted", null),
                ("ContainersReady", false, "PodCompleted", null));
            return;
        }

        status["phase"] = "Running";
        var unready = statuses.Where(c => c["ready"]?.GetValue<bool>() != true).Select(c => c.GetString("name")).ToList();
        var message = "containers with unready status: [" + string.Join(' ', unready) + "]";
        status["conditions"] = PodStatusBuilder.Conditions(status, stamp,
            ("PodReadyToStartContainers", true, null, null),
            ("Initialized", true, null, null),
            unready.Count > 0 ? ("Ready", false, "ContainersNotReady", message) : ("Ready", true, null, null),
            unready.Count > 0 ? ("ContainersReady", false, "ContainersNotReady", message) : ("ContainersReady", true, null, null));
    }

    /// <summary>When the next transition of a running pod's containers is due (an exit, a restart, readiness), or null.</summary>
    public static DateTimeOffset? NextTransition(JsonObject pod, IReadOnlyDictionary<string, ContainerStage> stages)
    {
        DateTimeOffset? next = null;
        foreach (var cs in (pod["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var stage = stages.GetValueOrDefault(cs.GetString("name") ?? "") ?? ContainerStage.Running;
            if (cs["state"]?["running"]?["startedAt"] is { } startedAt)
            {
                var started = Time(startedAt);
                if (stage.ExitAfter is { } runFor)
                {
                    next = Min(next, started + runFor);
                }

                if (cs["ready"]?.GetValue<bool>() != true && !stage.FailsReadiness)
                {
                    next = Min(next, started + stage.ReadyAfter);
                }
            }
            else if (RestartDue(cs) is { } due)
            {
                next = Min(next, due);
            }
        }

        return next;
    }

    /// <summary>The names of the containers waiting in CrashLoopBackOff.</summary>
    public static IReadOnlySet<string> CrashLooping(JsonObject pod) =>
        (pod["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(c => c["state"]?["waiting"]?["reason"]?.GetValue<string>() == "CrashLoopBackOff")
            .Select(c => c.GetString("name") ?? "")
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>One transition of one container if one is due: returns whether it changed.</summary>
    private static bool Step(JsonObject pod, string uid, JsonObject cs, ContainerStage stage, string restartPolicy, DateTimeOffset now)
    {
        var name = cs.GetString("name") ?? "";
        var restarts = cs.GetInt64("restartCount") ?? 0;
        if (cs["state"]?["running"]?["startedAt"] is { } startedAt)
        {
            var started = Time(startedAt);
            if (stage.ExitAfter is not { } runFor || started + runFor > now)
            {
                return false;
            }

            var exited = new JsonObject
            {
                ["containerID"] = cs["containerID"]?.DeepClone(),
                ["exitCode"] = stage.ExitCode,
                ["finishedAt"] = ObjectMeta.FormatTime(started + runFor),
                ["reason"] = stage.ExitCode == 0 ? "Completed" : "Error",
                ["startedAt"] = startedAt.DeepClone(),
            };
            if (!stage.Restarts(restartPolicy))
            {
                cs["state"] = new JsonObject { ["terminated"] = exited };
                return false;
            }

            cs["lastState"] = new JsonObject { ["terminated"] = exited };
            if (restarts == 0)
            {
                // The kubelet's back-off has no entry for a container's first failure: it restarts at once.
                Restart(uid, cs, name, 1, started + runFor);
            }
            else
            {
                cs["state"] = new JsonObject
                {
                    ["waiting"] = new JsonObject
                    {
                        ["reason"] = "CrashLoopBackOff",
                        ["message"] = FormattableString.Invariant(
                            $"back-off {PodStatusBuilder.Backoff(restarts).TotalSeconds:0}s restarting failed container={name} pod={pod.Name()}_{pod.Namespace()}({uid})"),
                    },
                };
            }

            return true;
        }

        if (RestartDue(cs) is { } due && due <= now)
        {
            Restart(uid, cs, name, restarts + 1, due);
            return true;
        }

        return false;
    }

    private static void Restart(string uid, JsonObject cs, string name, long restarts, DateTimeOffset at)
    {
        cs["restartCount"] = restarts;
        cs["containerID"] = ContainerIds.ContainerId(uid, name, restarts);
        cs["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = ObjectMeta.FormatTime(at) } };
    }

    /// <summary>When a container in CrashLoopBackOff restarts: its last termination plus the back-off of its restart count.</summary>
    private static DateTimeOffset? RestartDue(JsonObject cs) =>
        cs["state"]?["waiting"]?["reason"]?.GetValue<string>() == "CrashLoopBackOff" && cs["lastState"]?["terminated"]?["finishedAt"] is { } finished
            ? Time(finished) + PodStatusBuilder.Backoff(cs.GetInt64("restartCount") ?? 1)
            : null;

    private static DateTimeOffset Time(JsonNode? node) =>
        node?.GetValue<string>() is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.MinValue;

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset b) => a is null || b < a ? b : a;
}
