using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Admission;
using FakeApiServer.Registry;

namespace FakeApiServer.Quota;

/// <summary>
/// The pods evaluator (pkg/quota/v1/evaluator/core/pods.go): count/pods for every stored pod; pods, cpu, memory,
/// ephemeral-storage and their requests./limits. forms, hugepages and extended resources for pods that are not
/// terminal (nor past their deletion grace period); the Terminating, NotTerminating, BestEffort, NotBestEffort,
/// PriorityClass and CrossNamespacePodAffinity scopes; and the old rule that a quota on cpu or memory makes every
/// container name that resource.
/// </summary>
internal sealed class PodEvaluator() : QuotaEvaluator("", "pods")
{
    private static readonly string[] Resources =
    [
        "count/pods", "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
        "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods",
    ];

    /// <summary>The names a container must set when a quota tracks them (upstream's validationSet).</summary>
    private static readonly string[] ValidationSet = ["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

    public override bool Handles(AdmissionRequest request) => request.Subresource switch
    {
        "" => request.Operation == AdmissionOperation.Create
            || (request.Operation == AdmissionOperation.Update && request.Object is { } pod && request.OldObject is { } old
                && IsTerminating(pod) != IsTerminating(old)),
        "resize" => request.Operation == AdmissionOperation.Update,
        _ => false,
    };

    public override IReadOnlyList<string> MatchingResources(IEnumerable<string> names) =>
        [.. names.Where(n => Resources.Contains(n) || n.StartsWith("hugepages-", StringComparison.Ordinal)
            || n.StartsWith("requests.hugepages-", StringComparison.Ordinal) || IsExtendedResourceNameForQuota(n))];

    public override bool MatchesScope(ScopeRequirement scope, JsonObject obj) => scope.ScopeName switch
    {
        "Terminating" => IsTerminating(obj),
        "NotTerminating" => !IsTerminating(obj),
        "BestEffort" => IsBestEffort(obj),
        "NotBestEffort" => !IsBestEffort(obj),
        "PriorityClass" => scope.MatchesValue((obj["spec"] as JsonObject)?.GetString("priorityClassName") is { Length: > 0 } name ? name : null),
        "CrossNamespacePodAffinity" => UsesCrossNamespacePodAffinity(obj),
        _ => false,
    };

    public override string? Constraints(IReadOnlyList<string> required, JsonObject obj)
    {
        var requiredSet = required.Where(ValidationSet.Contains).ToHashSet(StringComparer.Ordinal);
        var missing = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var container in PodAmounts.AllContainers(obj))
        {
            var usage = ComputeUsage(QuantityList.Parse(container["resources"]?["requests"]), QuantityList.Parse(container["resources"]?["limits"]));
            foreach (var name in requiredSet.Where(r => !usage.ContainsKey(r)))
            {
                if (!missing.TryGetValue(name, out var containers))
                {
                    missing[name] = containers = new SortedSet<string>(StringComparer.Ordinal);
                }

                containers.Add(container.GetString("name") ?? "");
            }
        }

        return missing.Count == 0 ? null : "must specify " + string.Join("; ", missing.Select(m => m.Key + " for: " + string.Join(",", m.Value)));
    }

    public override QuantityList Usage(JsonObject obj, DateTimeOffset now)
    {
        var result = new QuantityList { ["count/pods"] = ResourceAmount.One };
        if (!IsChargedForCompute(obj, now))
        {
            return result;
        }

        return result.Plus(ComputeUsage(PodAmounts.Requests(obj, withOverhead: true), PodAmounts.Limits(obj, withOverhead: true)));
    }

    /// <summary>QuotaV1Pod: not Succeeded or Failed, and not deleted longer ago than its grace period.</summary>
    public static bool IsChargedForCompute(JsonObject pod, DateTimeOffset now)
    {
        if ((pod["status"] as JsonObject)?.GetString("phase") is "Succeeded" or "Failed")
        {
            return false;
        }

        var meta = pod.Metadata();
        if (meta.GetString("deletionTimestamp") is { } deletion && meta.GetInt64("deletionGracePeriodSeconds") is { } grace
            && DateTimeOffset.TryParse(deletion, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var deletedAt)
            && now > deletedAt.AddSeconds(grace))
        {
            return false;
        }

        return true;
    }

    /// <summary>An activeDeadlineSeconds of zero or more.</summary>
    public static bool IsTerminating(JsonObject pod) => (pod["spec"] as JsonObject)?.GetInt64("activeDeadlineSeconds") is >= 0;

    /// <summary>GetPodQOS is BestEffort: no container requests or limits any cpu or memory.</summary>
    public static bool IsBestEffort(JsonObject pod) =>
        !PodAmounts.AllContainers(pod).Any(c =>
            QuantityList.Parse(c["resources"]?["requests"]).Concat(QuantityList.Parse(c["resources"]?["limits"]))
                .Any(e => e.Key is "cpu" or "memory" && e.Value.Value > 0));

    /// <summary>podComputeUsageHelper.</summary>
    private static QuantityList ComputeUsage(QuantityList requests, QuantityList limits)
    {
        var result = new QuantityList { ["pods"] = ResourceAmount.One };
        foreach (var name in new[] { "cpu", "memory", "ephemeral-storage" })
        {
            if (requests.TryGetValue(name, out var request))
            {
                result[name] = request;
                result["requests." + name] = request;
            }

            if (limits.TryGetValue(name, out var limit))
            {
                result["limits." + name] = limit;
            }
        }

        foreach (var (name, request) in requests)
        {
            if (name.StartsWith("hugepages-", StringComparison.Ordinal))
            {
                result[name] = request;
                result["requests." + name] = request;
            }
            else if (IsExtendedResourceName(name))
            {
                result["requests." + name] = request;
            }
        }

        return result;
    }

    /// <summary>A resource name outside kubernetes.io with a domain (helper.IsExtendedResourceName).</summary>
    private static bool IsExtendedResourceName(string name) =>
        name.Contains('/', StringComparison.Ordinal) && !name.Contains("kubernetes.io/", StringComparison.Ordinal)
        && !name.StartsWith("requests.", StringComparison.Ordinal);

    private static bool IsExtendedResourceNameForQuota(string name) =>
        name.StartsWith("requests.", StringComparison.Ordinal) && IsExtendedResourceName(name["requests.".Length..]);

    private static bool UsesCrossNamespacePodAffinity(JsonObject pod)
    {
        var affinity = pod["spec"]?["affinity"] as JsonObject;
        return new[] { affinity?["podAffinity"], affinity?["podAntiAffinity"] }.OfType<JsonObject>().Any(a =>
            (a["requiredDuringSchedulingIgnoredDuringExecution"] as JsonArray ?? []).OfType<JsonObject>().Any(CrossNamespace)
            || (a["preferredDuringSchedulingIgnoredDuringExecution"] as JsonArray ?? []).OfType<JsonObject>()
                .Any(w => w["podAffinityTerm"] is JsonObject term && CrossNamespace(term)));

        static bool CrossNamespace(JsonObject term) =>
            (term["namespaces"] as JsonArray)?.Count > 0 || term["namespaceSelector"] is JsonObject;
    }
}
