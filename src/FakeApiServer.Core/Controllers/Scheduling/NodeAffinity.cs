using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Scheduling;

/// <summary>
/// The NodeAffinity filter's matching (k8s.io/component-helpers/scheduling/corev1/nodeaffinity): spec.nodeSelector must
/// match the node's labels, and the required node affinity's nodeSelectorTerms are ORed, each term's matchExpressions
/// and matchFields ANDed; a term with neither matches nothing.
/// </summary>
internal static class NodeAffinity
{
    /// <summary>Whether <paramref name="node"/> satisfies the pod's nodeSelector and required node affinity.</summary>
    public static bool Matches(JsonObject pod, JsonObject node)
    {
        var labels = node.Labels();
        var selector = ObjectMeta.StringMap(pod["spec"]?["nodeSelector"]);
        if (selector.Any(s => !labels.TryGetValue(s.Key, out var value) || value != s.Value))
        {
            return false;
        }

        if (pod["spec"]?["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"] is not JsonArray terms)
        {
            return true;
        }

        return terms.OfType<JsonObject>().Any(term => TermMatches(term, labels, node.Name()));
    }

    /// <summary>Whether <paramref name="node"/> matches one of the node selector terms (a PersistentVolume's spec.nodeAffinity.required).</summary>
    public static bool MatchesTerms(JsonArray terms, JsonObject node)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var labels = node.Labels();
        return terms.OfType<JsonObject>().Any(term => TermMatches(term, labels, node.Name()));
    }

    private static bool TermMatches(JsonObject term, Dictionary<string, string> labels, string nodeName)
    {
        var expressions = (term["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var fields = (term["matchFields"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (expressions.Count == 0 && fields.Count == 0)
        {
            return false;
        }

        return expressions.All(e => RequirementMatches(e, labels))
            && fields.All(f => f.GetString("key") == "metadata.name" && RequirementMatches(f, new Dictionary<string, string> { ["metadata.name"] = nodeName }));
    }

    private static bool RequirementMatches(JsonObject requirement, Dictionary<string, string> labels)
    {
        var key = requirement.GetString("key") ?? "";
        var values = (requirement["values"] as JsonArray ?? []).Select(v => v?.GetValue<string>() ?? "").ToList();
        var has = labels.TryGetValue(key, out var value);
        return requirement.GetString("operator") switch
        {
            "In" => has && values.Contains(value!),
            "NotIn" => !has || !values.Contains(value!),
            "Exists" => has,
            "DoesNotExist" => !has,
            "Gt" => has && values.Count == 1 && TryInt(value!, out var gt) && TryInt(values[0], out var gtBound) && gt > gtBound,
            "Lt" => has && values.Count == 1 && TryInt(value!, out var lt) && TryInt(values[0], out var ltBound) && lt < ltBound,
            _ => false,
        };
    }

    private static bool TryInt(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
