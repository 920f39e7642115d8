using System.Text.Json.Nodes;

namespace FakeApiServer.Quota;

/// <summary>
/// A pod's aggregate requests and limits as component-helpers' PodRequests and PodLimits count them: the sum of the
/// containers and of the restartable (sidecar) init containers, at least the largest init container together with the
/// sidecars started before it; spec.overhead is added to requests, and to limits only where a limit is set.
/// </summary>
internal static class PodAmounts
{
    public static QuantityList Requests(JsonObject pod, bool withOverhead) => Sum(pod, "requests", withOverhead);

    public static QuantityList Limits(JsonObject pod, bool withOverhead) => Sum(pod, "limits", withOverhead);

    /// <summary>Every container and init container of the pod.</summary>
    public static IEnumerable<JsonObject> AllContainers(JsonObject pod) =>
        Containers(pod, "containers").Concat(Containers(pod, "initContainers"));

    public static IEnumerable<JsonObject> Containers(JsonObject pod, string field) =>
        (pod["spec"]?[field] as JsonArray ?? []).OfType<JsonObject>();

    private static QuantityList Sum(JsonObject pod, string kind, bool withOverhead)
    {
        var total = new QuantityList();
        foreach (var container in Containers(pod, "containers"))
        {
            total = total.Plus(QuantityList.Parse(container["resources"]?[kind]));
        }

        var sidecars = new QuantityList();
        var init = new QuantityList();
        foreach (var container in Containers(pod, "initContainers"))
        {
            var own = QuantityList.Parse(container["resources"]?[kind]);
            QuantityList effective;
            if (container.GetPropertyValue("restartPolicy") == "Always")
            {
                total = total.Plus(own);
                sidecars = sidecars.Plus(own);
                effective = sidecars;
            }
            else
            {
                effective = own.Plus(sidecars);
            }

            init = Max(init, effective);
        }

        total = Max(total, init);
        if (withOverhead)
        {
            foreach (var (name, amount) in QuantityList.Parse(pod["spec"]?["overhead"]))
            {
                if (kind == "requests" || total.ContainsKey(name))
                {
                    total[name] = total.TryGetValue(name, out var have) ? have.Add(amount) : amount;
                }
            }
        }

        return total;
    }

    /// <summary>maxResourceList: each name at the larger of the two.</summary>
    private static QuantityList Max(QuantityList list, QuantityList other)
    {
        var result = new QuantityList(list);
        foreach (var (name, amount) in other)
        {
            if (!result.TryGetValue(name, out var have) || amount.Value > have.Value)
            {
                result[name] = amount;
            }
        }

        return result;
    }

    private static string? GetPropertyValue(this JsonObject obj, string property) =>
        obj[property] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
