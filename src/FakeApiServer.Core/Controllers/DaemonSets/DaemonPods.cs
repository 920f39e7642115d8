using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Controllers.History;
using FakeApiServer.Controllers.Scheduling;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.DaemonSets;

/// <summary>
/// The pods of a daemon set (pkg/controller/daemon/util): the template with the controller-revision-hash and
/// pod-template-generation labels, the tolerations upstream adds to every daemon pod, and a required node affinity on
/// metadata.name that binds it to its node; and whether a node should run one (NodeShouldRunDaemonPod: the node
/// affinity and nodeSelector match and no NoSchedule or NoExecute taint is untolerated) or may keep one (no untolerated
/// NoExecute taint).
/// </summary>
internal static class DaemonPods
{
    public const string TemplateGenerationLabel = "pod-template-generation";

    /// <summary>AddOrUpdateDaemonPodTolerations: (key, effect) pairs tolerated with Exists; network-unavailable only for hostNetwork.</summary>
    private static readonly (string Key, string Effect)[] AddedTolerations =
    [
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];

    /// <summary>The daemon pod for <paramref name="node"/> from the set's template, labelled with <paramref name="hash"/>.</summary>
    public static JsonObject New(JsonObject ds, string node, string hash)
    {
        var template = ds["spec"]?["template"] as JsonObject;
        var templateMeta = template?["metadata"] as JsonObject;
        var labels = templateMeta?["labels"]?.DeepClone() as JsonObject ?? [];
        labels[TemplateGenerationLabel] = (ds.Metadata().GetInt64("generation") ?? 0).ToString(CultureInfo.InvariantCulture);
        labels[ControllerRevisions.HashLabel] = hash;
        var meta = new JsonObject { ["generateName"] = ds.Name() + "-", ["namespace"] = ds.Namespace(), ["labels"] = labels };
        foreach (var field in new[] { "annotations", "finalizers" })
        {
            if (templateMeta?[field] is { } value)
            {
                meta[field] = value.DeepClone();
            }
        }

        meta["ownerReferences"] = new JsonArray(OwnerReferences.NewControllerRef(ds, "apps/v1", "DaemonSet"));
        var spec = template?["spec"]?.DeepClone() as JsonObject ?? [];
        AddTolerations(spec);
        BindToNode(spec, node);
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = meta, ["spec"] = spec };
    }

    /// <summary>Whether a new daemon pod belongs on <paramref name="node"/>.</summary>
    public static bool ShouldRun(JsonObject ds, JsonObject node)
    {
        var pod = New(ds, node.Name(), "");
        return NodeAffinity.Matches(pod, node) && Tolerations.FirstUntolerated(pod, node, "NoSchedule", "NoExecute") is null;
    }

    /// <summary>Whether a daemon pod already on <paramref name="node"/> may stay.</summary>
    public static bool ShouldContinueRunning(JsonObject ds, JsonObject node)
    {
        var pod = New(ds, node.Name(), "");
        return NodeAffinity.Matches(pod, node) && Tolerations.FirstUntolerated(pod, node, "NoExecute") is null;
    }

    /// <summary>GetTargetNodeName: spec.nodeName, or the metadata.name the node affinity requires.</summary>
    public static string? TargetNode(JsonObject pod) =>
        pod.FieldString("spec.nodeName") is { Length: > 0 } bound
            ? bound
            : (pod["spec"]?["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"] as JsonArray ?? [])
                .OfType<JsonObject>()
                .SelectMany(t => (t["matchFields"] as JsonArray ?? []).OfType<JsonObject>())
                .Where(f => f.GetString("key") == "metadata.name" && f.GetString("operator") == "In")
                .Select(f => (f["values"] as JsonArray)?.FirstOrDefault()?.GetValue<string>())
                .FirstOrDefault();

    private static void AddTolerations(JsonObject spec)
    {
        var tolerations = spec["tolerations"] as JsonArray ?? [];
        var wanted = AddedTolerations.ToList();
        if (spec["hostNetwork"]?.GetValueKind() == System.Text.Json.JsonValueKind.True)
        {
            wanted.Add(("node.kubernetes.io/network-unavailable", "NoSchedule"));
        }

        foreach (var (key, effect) in wanted)
        {
            // AddOrUpdateTolerationInPodSpec: an existing toleration of the same key, operator and effect is replaced.
            var existing = tolerations.OfType<JsonObject>().FirstOrDefault(t => t.GetString("key") == key && t.GetString("effect") == effect && t.GetString("operator") == "Exists");
            if (existing is null)
            {
                tolerations.Add(new JsonObject { ["key"] = key, ["operator"] = "Exists", ["effect"] = effect });
            }
        }

        spec["tolerations"] = tolerations;
    }

    /// <summary>ReplaceDaemonSetPodNodeNameNodeAffinity: every required term's matchFields become metadata.name In [node].</summary>
    private static void BindToNode(JsonObject spec, string node)
    {
        JsonObject NameField() => new()
        {
            ["key"] = "metadata.name",
            ["operator"] = "In",
            ["values"] = new JsonArray(node),
        };

        var affinity = spec.ChildObject("affinity");
        var nodeAffinity = affinity.ChildObject("nodeAffinity");
        var required = nodeAffinity.ChildObject("requiredDuringSchedulingIgnoredDuringExecution");
        if (required["nodeSelectorTerms"] is not JsonArray { Count: > 0 } terms)
        {
            required["nodeSelectorTerms"] = new JsonArray(new JsonObject { ["matchFields"] = new JsonArray(NameField()) });
            return;
        }

        foreach (var term in terms.OfType<JsonObject>())
        {
            term["matchFields"] = new JsonArray(NameField());
        }
    }
}
