using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;
using k8s.Models;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// The values the kubelet gives a container from the pod (fieldRef) and from its resources (resourceFieldRef), for
/// environment variables and downwardAPI volume files alike, read from the stored objects at exec time.
/// </summary>
internal static class DownwardApi
{
    /// <summary>A fieldRef's value, or null for a path the kubelet does not support there.</summary>
    public static string? FieldValue(JsonObject pod, string fieldPath, bool inVolume)
    {
        var metadata = pod.Metadata();
        if (fieldPath.StartsWith("metadata.labels['", StringComparison.Ordinal) && fieldPath.EndsWith("']", StringComparison.Ordinal))
        {
            return ObjectMeta.StringMap(metadata["labels"]).GetValueOrDefault(fieldPath["metadata.labels['".Length..^2]) ?? "";
        }

        if (fieldPath.StartsWith("metadata.annotations['", StringComparison.Ordinal) && fieldPath.EndsWith("']", StringComparison.Ordinal))
        {
            return ObjectMeta.StringMap(metadata["annotations"]).GetValueOrDefault(fieldPath["metadata.annotations['".Length..^2]) ?? "";
        }

        return fieldPath switch
        {
            "metadata.name" => pod.Name(),
            "metadata.namespace" => pod.Namespace(),
            "metadata.uid" => pod.Uid() ?? "",
            "metadata.labels" when inVolume => FormatMap(ObjectMeta.StringMap(metadata["labels"])),
            "metadata.annotations" when inVolume => FormatMap(ObjectMeta.StringMap(metadata["annotations"])),
            "spec.nodeName" => pod["spec"]?["nodeName"]?.GetValue<string>() ?? "",
            "spec.serviceAccountName" => pod["spec"]?["serviceAccountName"]?.GetValue<string>() ?? "",
            "status.hostIP" => pod["status"]?["hostIP"]?.GetValue<string>() ?? "",
            "status.hostIPs" => IpList(pod["status"]?["hostIPs"]),
            "status.podIP" => pod["status"]?["podIP"]?.GetValue<string>() ?? "",
            "status.podIPs" => IpList(pod["status"]?["podIPs"]),
            _ => null,
        };
    }

    /// <summary>
    /// A resourceFieldRef's value (limits.cpu, requests.memory, ...): the amount divided by the divisor, rounded up;
    /// an unset limit is the node's allocatable amount, as the kubelet defaults it.
    /// </summary>
    public static string? ResourceValue(IRevisionedStore store, JsonObject pod, JsonObject container, string resource, string? divisor)
    {
        var dot = resource.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || resource[..dot] is not ("limits" or "requests"))
        {
            return null;
        }

        var kind = resource[..dot];
        var name = resource[(dot + 1)..];
        var amount = Quantity(container["resources"]?[kind]?[name]);
        if (amount is null && kind == "limits")
        {
            var nodeName = pod["spec"]?["nodeName"]?.GetValue<string>() ?? "";
            var node = ClusterObjects.Get(store, "/core/nodes/" + nodeName);
            amount = Quantity(node?["status"]?["allocatable"]?[name]);
        }

        if (amount is null && kind == "requests" && Quantity(container["resources"]?["limits"]?[name]) is { } limit)
        {
            amount = limit;
        }

        var value = amount ?? 0m;
        var by = string.IsNullOrEmpty(divisor) ? 1m : new ResourceQuantity(divisor).ToDecimal();
        if (by <= 0)
        {
            by = 1m;
        }

        if (name == "cpu")
        {
            // The kubelet divides milli-values: 250m with divisor 1 is 1, with divisor 1m is 250.
            return Math.Ceiling(decimal.Ceiling(value * 1000m) / (by * 1000m)).ToString(CultureInfo.InvariantCulture);
        }

        return Math.Ceiling(decimal.Ceiling(value) / by).ToString(CultureInfo.InvariantCulture);
    }

    private static decimal? Quantity(JsonNode? node)
    {
        if (node is not JsonValue v || !v.TryGetValue(out string? text) || string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            return new ResourceQuantity(text).ToDecimal();
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Labels or annotations as a downwardAPI file shows them: key="value" lines in key order.</summary>
    private static string FormatMap(IReadOnlyDictionary<string, string> map)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append("=\"").Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append("\"\n");
        }

        return text.ToString();
    }

    private static string IpList(JsonNode? ips) =>
        string.Join(',', (ips as JsonArray ?? []).Select(i => i?["ip"]?.GetValue<string>()).OfType<string>());
}
