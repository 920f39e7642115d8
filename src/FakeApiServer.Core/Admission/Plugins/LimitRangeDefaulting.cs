using System.Text.Json.Nodes;
using FakeApiServer.Quota;
using FakeApiServer.Registry;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// LimitRanger's defaulting of one LimitRange on a pod (PodMutateLimitFunc): the Container items' defaultRequest and
/// default (later items win) fill unset requests and limits of every container and init container, and the
/// kubernetes.io/limit-ranger annotation lists what was set, e.g.
/// <c>LimitRanger plugin set: cpu, memory request for container app; cpu limit for init container setup</c>.
/// </summary>
internal static class LimitRangeDefaulting
{
    public static void Apply(JsonObject limitRange, JsonObject pod)
    {
        var requests = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        var limits = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var item in Items(limitRange).Where(i => i.GetString("type") == "Container"))
        {
            foreach (var (name, value) in item["defaultRequest"] as JsonObject ?? [])
            {
                requests[name] = value;
            }

            foreach (var (name, value) in item["default"] as JsonObject ?? [])
            {
                limits[name] = value;
            }
        }

        var notes = new List<string>();
        foreach (var (field, label) in new[] { ("containers", "container"), ("initContainers", "init container") })
        {
            foreach (var container in PodAmounts.Containers(pod, field))
            {
                var resources = container["resources"] as JsonObject ?? [];
                container["resources"] = resources;
                var setLimits = Fill(resources, "limits", limits);
                var setRequests = Fill(resources, "requests", requests);
                var name = container.GetString("name") ?? "";
                if (setRequests.Count > 0)
                {
                    notes.Add(string.Join(", ", setRequests) + " request for " + label + " " + name);
                }

                if (setLimits.Count > 0)
                {
                    notes.Add(string.Join(", ", setLimits) + " limit for " + label + " " + name);
                }
            }
        }

        if (notes.Count > 0)
        {
            var meta = pod.Metadata();
            var annotations = meta["annotations"] as JsonObject ?? [];
            annotations[LimitRangerPlugin.Annotation] = "LimitRanger plugin set: " + string.Join("; ", notes);
            meta["annotations"] = annotations;
        }
    }

    public static IEnumerable<JsonObject> Items(JsonObject limitRange) => (limitRange["spec"]?["limits"] as JsonArray ?? []).OfType<JsonObject>();

    /// <summary>Sets each default the list lacks; returns the names set, sorted.</summary>
    private static List<string> Fill(JsonObject resources, string field, SortedDictionary<string, JsonNode?> defaults)
    {
        var set = new List<string>();
        if (defaults.Count == 0)
        {
            return set;
        }

        var list = resources[field] as JsonObject ?? [];
        foreach (var (name, value) in defaults)
        {
            if (!list.ContainsKey(name))
            {
                list[name] = value?.DeepClone();
                set.Add(name);
            }
        }

        resources[field] = list;
        return set;
    }
}
