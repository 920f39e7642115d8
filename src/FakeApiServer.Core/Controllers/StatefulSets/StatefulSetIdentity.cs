using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Controllers.History;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.StatefulSets;

/// <summary>
/// A stateful pod's identity (stateful_set_utils.go): the name "&lt;set&gt;-&lt;ordinal&gt;", the hostname and the
/// subdomain of spec.serviceName, the statefulset.kubernetes.io/pod-name and apps.kubernetes.io/pod-index labels, the
/// controller-revision-hash of the revision it is made from, and one PersistentVolumeClaim per volume claim template,
/// named "&lt;template&gt;-&lt;set&gt;-&lt;ordinal&gt;", labelled with the set's matchLabels and mounted as the volume
/// of the template's name (replacing a template volume of that name).
/// </summary>
internal static class StatefulSetIdentity
{
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";

    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";

    /// <summary>"&lt;set&gt;-&lt;ordinal&gt;".</summary>
    public static string PodName(string set, int ordinal) => set + "-" + ordinal.ToString(CultureInfo.InvariantCulture);

    /// <summary>The ordinal of a pod named "&lt;set&gt;-&lt;ordinal&gt;", or null for any other name (getParentNameAndOrdinal).</summary>
    public static int? OrdinalOf(string set, string pod) =>
        pod.Length > set.Length + 1 && pod.StartsWith(set + "-", StringComparison.Ordinal)
            && int.TryParse(pod.AsSpan(set.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal)
            && PodName(set, ordinal) == pod
            ? ordinal : null;

    /// <summary>"&lt;template&gt;-&lt;set&gt;-&lt;ordinal&gt;".</summary>
    public static string ClaimName(string template, string set, int ordinal) => template + "-" + PodName(set, ordinal);

    /// <summary>newVersionedStatefulSetPod: the pod of <paramref name="ordinal"/> from <paramref name="template"/> of revision <paramref name="revisionHash"/>.</summary>
    public static JsonObject NewPod(JsonObject set, JsonObject template, int ordinal, string revisionHash)
    {
        var name = PodName(set.Name(), ordinal);
        var templateMeta = template["metadata"] as JsonObject;
        var labels = templateMeta?["labels"]?.DeepClone() as JsonObject ?? [];
        labels[PodNameLabel] = name;
        labels[PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture);
        labels[ControllerRevisions.HashLabel] = revisionHash;
        var meta = new JsonObject { ["name"] = name, ["namespace"] = set.Namespace(), ["labels"] = labels };
        foreach (var field in new[] { "annotations", "finalizers" })
        {
            if (templateMeta?[field] is { } value)
            {
                meta[field] = value.DeepClone();
            }
        }

        meta["ownerReferences"] = new JsonArray(OwnerReferences.NewControllerRef(set, "apps/v1", "StatefulSet"));
        var spec = template["spec"]?.DeepClone() as JsonObject ?? [];
        spec["hostname"] = name;
        if (set.FieldString("spec.serviceName") is { Length: > 0 } service)
        {
            spec["subdomain"] = service;
        }

        // updateStorage: the claims' volumes first, then the template's volumes they do not replace.
        var claimVolumes = ClaimTemplates(set).Select(t => t.Metadata().GetString("name") ?? "").ToList();
        var volumes = new JsonArray();
        foreach (var volumeName in claimVolumes)
        {
            volumes.Add(new JsonObject
            {
                ["name"] = volumeName,
                ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = ClaimName(volumeName, set.Name(), ordinal) },
            });
        }

        foreach (var volume in (spec["volumes"] as JsonArray ?? []).OfType<JsonObject>().Where(v => !claimVolumes.Contains(v.GetString("name") ?? "")))
        {
            volumes.Add(volume.DeepClone());
        }

        if (volumes.Count > 0)
        {
            spec["volumes"] = volumes;
        }

        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = meta, ["spec"] = spec };
    }

    /// <summary>
    /// getPersistentVolumeClaims: the claims of <paramref name="ordinal"/>, owned as the retention policy says for a pod
    /// in range (whenDeleted Delete: by the set).
    /// </summary>
    public static IReadOnlyList<JsonObject> NewClaims(JsonObject set, int ordinal)
    {
        var matchLabels = ObjectMeta.StringMap(set["spec"]?["selector"]?["matchLabels"]);
        var claims = new List<JsonObject>();
        foreach (var claimTemplate in ClaimTemplates(set))
        {
            var templateMeta = claimTemplate.Metadata();
            var labels = templateMeta["labels"]?.DeepClone() as JsonObject ?? [];
            foreach (var (key, value) in matchLabels)
            {
                labels[key] = value;
            }

            var meta = new JsonObject
            {
                ["name"] = ClaimName(templateMeta.GetString("name") ?? "", set.Name(), ordinal),
                ["namespace"] = set.Namespace(),
                ["labels"] = labels,
            };
            if (templateMeta["annotations"] is JsonObject annotations)
            {
                meta["annotations"] = annotations.DeepClone();
            }

            if (set.FieldString("spec.persistentVolumeClaimRetentionPolicy.whenDeleted") == "Delete")
            {
                meta["ownerReferences"] = new JsonArray(OwnerReferences.NewControllerRef(set, "apps/v1", "StatefulSet"));
            }

            claims.Add(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "PersistentVolumeClaim",
                ["metadata"] = meta,
                ["spec"] = claimTemplate["spec"]?.DeepClone() ?? new JsonObject(),
            });
        }

        return claims;
    }

    /// <summary>The set's spec.volumeClaimTemplates.</summary>
    public static IEnumerable<JsonObject> ClaimTemplates(JsonObject set) =>
        (set["spec"]?["volumeClaimTemplates"] as JsonArray ?? []).OfType<JsonObject>();
}
