using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Security.Authorization.Rbac;

/// <summary>
/// How kube-apiserver's bootstrap reconciliation (pkg/registry/rbac/reconciliation) repairs a stored bootstrap role or
/// binding at start: unless annotated rbac.authorization.kubernetes.io/autoupdate=false, what the expected object has and
/// the stored one lacks is added back (labels, annotations, aggregation selectors, rules not covered, subjects); nothing
/// extra is ever removed. A binding whose roleRef differs must be recreated, as roleRef cannot change.
/// </summary>
internal static class PolicyReconciliation
{
    public const string AutoUpdateAnnotation = "rbac.authorization.kubernetes.io/autoupdate";

    /// <summary>The repaired role (a copy of <paramref name="existing"/>), or null when it needs nothing or must be left alone.</summary>
    public static JsonObject? ReconcileRole(JsonObject existing, JsonObject expected)
    {
        if (!AutoUpdates(existing))
        {
            return null;
        }

        var result = (JsonObject)existing.DeepClone();
        var changed = MergeMetadata(result, expected);
        if (expected["aggregationRule"] is JsonObject expectedAggregation)
        {
            var aggregation = result["aggregationRule"] as JsonObject ?? new JsonObject();
            var selectors = aggregation["clusterRoleSelectors"] as JsonArray ?? [];
            foreach (var selector in (expectedAggregation["clusterRoleSelectors"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (!selectors.Any(s => JsonNode.DeepEquals(s, selector)))
                {
                    selectors.Add(selector.DeepClone());
                    changed = true;
                }
            }

            aggregation["clusterRoleSelectors"] = selectors;
            result["aggregationRule"] = aggregation;
        }

        // Both aggregated: the rules are the aggregation controller's, not ours to repair.
        if (expected["aggregationRule"] is null || existing["aggregationRule"] is null)
        {
            var missing = RuleCoverage.Uncovered(PolicyRule.ListFromJson(existing["rules"]), PolicyRule.ListFromJson(expected["rules"]));
            if (missing.Count > 0)
            {
                var rules = result["rules"] as JsonArray ?? [];
                foreach (var rule in missing)
                {
                    rules.Add(rule.ToJson());
                }

                result["rules"] = rules;
                changed = true;
            }
        }

        return changed ? result : null;
    }

    /// <summary>
    /// The repaired binding (a copy of <paramref name="existing"/>, with the expected roleRef) and whether it must be
    /// deleted and created again because its roleRef differs; null when it needs nothing or must be left alone.
    /// </summary>
    public static (JsonObject Binding, bool Recreate)? ReconcileBinding(JsonObject existing, JsonObject expected)
    {
        if (!AutoUpdates(existing))
        {
            return null;
        }

        var result = (JsonObject)existing.DeepClone();
        var changed = MergeMetadata(result, expected);
        var recreate = RbacRoleRef.FromJson(existing["roleRef"]) != RbacRoleRef.FromJson(expected["roleRef"]);
        if (recreate)
        {
            result["roleRef"] = expected["roleRef"]?.DeepClone();
        }

        var subjects = result["subjects"] as JsonArray ?? [];
        var present = subjects.OfType<JsonObject>().Select(RbacSubject.FromJson).ToList();
        foreach (var subject in (expected["subjects"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (!present.Contains(RbacSubject.FromJson(subject)))
            {
                subjects.Add(subject.DeepClone());
                changed = true;
            }
        }

        if (subjects.Count > 0)
        {
            result["subjects"] = subjects;
        }

        return changed || recreate ? (result, recreate) : null;
    }

    private static bool AutoUpdates(JsonObject existing) =>
        (existing["metadata"]?["annotations"] as JsonObject)?.GetString(AutoUpdateAnnotation) != "false";

    /// <summary>Adds the expected labels and annotations the stored object lacks; its own values win.</summary>
    private static bool MergeMetadata(JsonObject result, JsonObject expected)
    {
        var changed = false;
        var metadata = (JsonObject)result["metadata"]!;
        foreach (var field in new[] { "labels", "annotations" })
        {
            if (expected["metadata"]?[field] is not JsonObject wanted)
            {
                continue;
            }

            var have = metadata[field] as JsonObject ?? new JsonObject();
            foreach (var (key, value) in wanted)
            {
                if (!have.ContainsKey(key))
                {
                    have[key] = value?.DeepClone();
                    changed = true;
                }
            }

            metadata[field] = have;
        }

        return changed;
    }
}
