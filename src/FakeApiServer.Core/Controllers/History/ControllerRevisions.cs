using System.Text.Json.Nodes;
using FakeApiServer.Controllers.Deployments;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.History;

/// <summary>
/// ControllerRevisions as pkg/controller/history builds them for StatefulSets and DaemonSets: the data is the owner's
/// pod template as a strategic merge patch that replaces spec.template (what kubectl rollout undo sends back), the
/// name is "&lt;owner&gt;-&lt;hash&gt;", the labels are the template's plus controller-revision-hash, the annotations
/// are the owner's, and the owner controls the revision.
/// </summary>
internal static class ControllerRevisions
{
    /// <summary>The label naming a revision's hash, on the revision and on the pods made from it.</summary>
    public const string HashLabel = "controller-revision-hash";

    /// <summary>ControllerRevisionName keeps at most this much of the owner's name before "-hash".</summary>
    private const int MaxPrefixLength = 223;

    /// <summary>ControllerRevisionName: "&lt;prefix&gt;-&lt;hash&gt;", the prefix cut to 223 characters.</summary>
    public static string Name(string prefix, string hash) =>
        (prefix.Length > MaxPrefixLength ? prefix[..MaxPrefixLength] : prefix) + "-" + hash;

    /// <summary>
    /// getPatch of the statefulset and daemonset controllers: {"spec":{"template":{...,"$patch":"replace"}}} with keys
    /// sorted as Go's json.Marshal writes maps.
    /// </summary>
    public static JsonObject TemplatePatch(JsonObject owner)
    {
        var template = owner["spec"]?["template"]?.DeepClone() as JsonObject ?? [];
        template["$patch"] = "replace";
        var sorted = JsonNode.Parse(PodTemplateHash.Canonical(template))!;
        return new JsonObject { ["spec"] = new JsonObject { ["template"] = sorted } };
    }

    /// <summary>The pod template a revision holds (its patch without the directive).</summary>
    public static JsonObject TemplateOf(JsonObject revision)
    {
        var template = revision["data"]?["spec"]?["template"]?.DeepClone() as JsonObject ?? [];
        template.Remove("$patch");
        return template;
    }

    /// <summary>The revision's number (its "revision" field).</summary>
    public static long Number(JsonObject revision) => revision.GetInt64("revision") ?? 0;

    /// <summary>The hash of a revision or pod, from its controller-revision-hash label ("" without it).</summary>
    public static string HashOf(JsonObject obj) => obj.Labels().GetValueOrDefault(HashLabel, "");

    /// <summary>NewControllerRevision: a revision of <paramref name="owner"/> holding <paramref name="data"/>.</summary>
    public static JsonObject New(JsonObject owner, string apiVersion, string kind, JsonObject data, long revision, string hash)
    {
        var labels = new JsonObject();
        foreach (var (key, value) in ObjectMeta.StringMap(owner["spec"]?["template"]?["metadata"]?["labels"]))
        {
            labels[key] = value;
        }

        labels[HashLabel] = hash;
        var meta = new JsonObject
        {
            ["name"] = Name(owner.Name(), hash),
            ["namespace"] = owner.Namespace(),
            ["labels"] = labels,
        };
        if (owner.Metadata()["annotations"] is JsonObject annotations && annotations.Count > 0)
        {
            meta["annotations"] = annotations.DeepClone();
        }

        meta["ownerReferences"] = new JsonArray(OwnerReferences.NewControllerRef(owner, apiVersion, kind));
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ControllerRevision",
            ["metadata"] = meta,
            ["data"] = data.DeepClone(),
            ["revision"] = revision,
        };
    }

    /// <summary>The revisions to delete so that at most <paramref name="limit"/> not in <paramref name="live"/> remain, oldest first.</summary>
    public static IReadOnlyList<JsonObject> Excess(IEnumerable<JsonObject> revisions, IReadOnlySet<string> live, long limit)
    {
        var old = revisions.Where(r => !live.Contains(r.Name())).OrderBy(Number).ToList();
        var excess = old.Count - (int)Math.Max(0, limit);
        return excess > 0 ? old.Take(excess).ToList() : [];
    }

    /// <summary>The revision number for a new revision: one more than the highest.</summary>
    public static long Next(IEnumerable<JsonObject> revisions) => revisions.Select(Number).DefaultIfEmpty(0).Max() + 1;
}
