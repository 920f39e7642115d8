using System.Text.Json.Nodes;
using FakeApiServer.Quota;
using FakeApiServer.Registry;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// LimitRanger's checks of one LimitRange (PodValidateLimitFunc, PersistentVolumeClaimValidateLimitFunc), with
/// upstream's messages, e.g. <c>maximum cpu usage per Container is 500m, but limit is 1</c>. Amounts compare in
/// thousandths (rounded up) unless one is too large for that, as requestLimitEnforcedValues does. Within an item,
/// resources are checked in name order (upstream walks a map, so its order varies).
/// </summary>
internal static class LimitRangeValidation
{
    /// <summary>resource.MaxMilliValue: the largest whole value whose thousandths fit an int64.</summary>
    private const decimal MaxMilliValue = long.MaxValue / 1000;

    public static IReadOnlyList<string> Pod(JsonObject limitRange, JsonObject pod)
    {
        var errors = new List<string>();
        foreach (var item in LimitRangeDefaulting.Items(limitRange))
        {
            var type = item.GetString("type");
            if (type == "Container")
            {
                foreach (var container in PodAmounts.AllContainers(pod))
                {
                    Check(errors, item, type, QuantityList.Parse(container["resources"]?["requests"]), QuantityList.Parse(container["resources"]?["limits"]));
                }
            }
            else if (type == "Pod")
            {
                Check(errors, item, type, PodAmounts.Requests(pod, withOverhead: false), PodAmounts.Limits(pod, withOverhead: false));
            }
        }

        return errors;
    }

    public static IReadOnlyList<string> Claim(JsonObject limitRange, JsonObject claim)
    {
        var errors = new List<string>();
        var requests = QuantityList.Parse(claim["spec"]?["resources"]?["requests"]);
        foreach (var item in LimitRangeDefaulting.Items(limitRange).Where(i => i.GetString("type") == "PersistentVolumeClaim"))
        {
            foreach (var (name, min) in QuantityList.Parse(item["min"]))
            {
                Add(errors, MinConstraint("PersistentVolumeClaim", name, min, requests, new QuantityList()));
            }

            foreach (var (name, max) in QuantityList.Parse(item["max"]))
            {
                Add(errors, MaxRequestConstraint("PersistentVolumeClaim", name, max, requests));
            }
        }

        return errors;
    }

    private static void Check(List<string> errors, JsonObject item, string type, QuantityList requests, QuantityList limits)
    {
        foreach (var (name, min) in QuantityList.Parse(item["min"]))
        {
            Add(errors, MinConstraint(type, name, min, requests, limits));
        }

        foreach (var (name, max) in QuantityList.Parse(item["max"]))
        {
            Add(errors, MaxConstraint(type, name, max, requests, limits));
        }

        foreach (var (name, ratio) in QuantityList.Parse(item["maxLimitRequestRatio"]))
        {
            Add(errors, RatioConstraint(type, name, ratio, requests, limits));
        }
    }

    private static void Add(List<string> errors, string? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }

    private static string? MinConstraint(string type, string name, ResourceAmount enforced, QuantityList requests, QuantityList limits)
    {
        var hasRequest = requests.TryGetValue(name, out var request);
        var hasLimit = limits.TryGetValue(name, out var limit);
        var (req, lim, enf) = Comparable(request, limit, enforced);
        if (!hasRequest)
        {
            return $"minimum {name} usage per {type} is {enforced}.  No request is specified";
        }

        if (req < enf)
        {
            return $"minimum {name} usage per {type} is {enforced}, but request is {request}";
        }

        return hasLimit && lim < enf ? $"minimum {name} usage per {type} is {enforced}, but limit is {limit}" : null;
    }

    private static string? MaxRequestConstraint(string type, string name, ResourceAmount enforced, QuantityList requests)
    {
        var hasRequest = requests.TryGetValue(name, out var request);
        var (req, _, enf) = Comparable(request, default, enforced);
        if (!hasRequest)
        {
            return $"maximum {name} usage per {type} is {enforced}.  No request is specified";
        }

        return req > enf ? $"maximum {name} usage per {type} is {enforced}, but request is {request}" : null;
    }

    private static string? MaxConstraint(string type, string name, ResourceAmount enforced, QuantityList requests, QuantityList limits)
    {
        var hasRequest = requests.TryGetValue(name, out var request);
        var hasLimit = limits.TryGetValue(name, out var limit);
        var (req, lim, enf) = Comparable(request, limit, enforced);
        if (!hasLimit)
        {
            return $"maximum {name} usage per {type} is {enforced}.  No limit is specified";
        }

        if (lim > enf)
        {
            return $"maximum {name} usage per {type} is {enforced}, but limit is {limit}";
        }

        return hasRequest && req > enf ? $"maximum {name} usage per {type} is {enforced}, but request is {request}" : null;
    }

    private static string? RatioConstraint(string type, string name, ResourceAmount enforced, QuantityList requests, QuantityList limits)
    {
        var hasRequest = requests.TryGetValue(name, out var request);
        var hasLimit = limits.TryGetValue(name, out var limit);
        var (req, lim, _) = Comparable(request, limit, enforced);
        if (!hasRequest || req == 0)
        {
            return $"{name} max limit to request ratio per {type} is {enforced}, but no request is specified or request is 0";
        }

        if (!hasLimit || lim == 0)
        {
            return $"{name} max limit to request ratio per {type} is {enforced}, but no limit is specified or limit is 0";
        }

        var observed = (double)lim / (double)req;
        var display = observed;
        var allowed = (double)enforced.WholeValue;
        if (enforced.WholeValue <= MaxMilliValue)
        {
            observed *= 1000;
            allowed = (double)enforced.MilliValue;
        }

        return observed > allowed
            ? $"{name} max limit to request ratio per {type} is {enforced}, but provided ratio is {ResourceAmount.FormatRatio(display)}"
            : null;
    }

    /// <summary>requestLimitEnforcedValues: whole values, or thousandths when all three fit.</summary>
    private static (decimal Request, decimal Limit, decimal Enforced) Comparable(ResourceAmount request, ResourceAmount limit, ResourceAmount enforced) =>
        request.WholeValue <= MaxMilliValue && limit.WholeValue <= MaxMilliValue && enforced.WholeValue <= MaxMilliValue
            ? (request.MilliValue, limit.MilliValue, enforced.MilliValue)
            : (request.WholeValue, limit.WholeValue, enforced.WholeValue);
}
