using System.Text.Json.Nodes;
using k8s.Models;

namespace FakeApiServer.Controllers.Scheduling;

/// <summary>
/// Resource amounts as the scheduler's NodeResourcesFit counts them: a pod requests the larger of the sum of its
/// containers' requests and each init container's, plus spec.overhead; a container's missing request is its limit
/// (the API server's defaulting). Amounts are decimals of the base unit (cores, bytes).
/// </summary>
internal static class PodResources
{
    /// <summary>The pod's effective requests by resource name.</summary>
    public static Dictionary<string, decimal> Requests(JsonObject pod)
    {
        var spec = pod["spec"] as JsonObject;
        var total = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var container in (spec?["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            foreach (var (name, amount) in ContainerRequests(container))
            {
                total[name] = total.GetValueOrDefault(name) + amount;
            }
        }

        foreach (var container in (spec?["initContainers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            foreach (var (name, amount) in ContainerRequests(container))
            {
                total[name] = Math.Max(total.GetValueOrDefault(name), amount);
            }
        }

        foreach (var (name, amount) in Amounts(spec?["overhead"] as JsonObject))
        {
            total[name] = total.GetValueOrDefault(name) + amount;
        }

        return total;
    }

    /// <summary>A resource list (capacity, allocatable, requests) as amounts by name; unparsable quantities are skipped.</summary>
    public static Dictionary<string, decimal> Amounts(JsonObject? list)
    {
        var amounts = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (name, value) in list ?? [])
        {
            if (value is not JsonValue v)
            {
                continue;
            }

            var text = v.GetValueKind() == System.Text.Json.JsonValueKind.Number ? v.ToJsonString() : v.TryGetValue(out string? s) ? s : null;
            if (text is null)
            {
                continue;
            }

            try
            {
                amounts[name] = new ResourceQuantity(text).ToDecimal();
            }
            catch (FormatException)
            {
            }
        }

        return amounts;
    }

    private static Dictionary<string, decimal> ContainerRequests(JsonObject container)
    {
        var requests = Amounts(container["resources"]?["requests"] as JsonObject);
        foreach (var (name, amount) in Amounts(container["resources"]?["limits"] as JsonObject))
        {
            requests.TryAdd(name, amount);
        }

        return requests;
    }
}
