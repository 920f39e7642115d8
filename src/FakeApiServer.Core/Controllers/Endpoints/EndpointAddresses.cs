using System.Text.Json.Nodes;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Controllers.ReplicaSets;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Endpoints;

/// <summary>
/// What the endpoints and endpointslice controllers read from services and pods. Addresses: with the MultiNetwork gate
/// on, only default-network IPs (status.podIPs entries with podNetwork "kubernetes", or "" for hostNetwork pods), as
/// multinetwork.md section 5 asks; with it off, every pod IP, as upstream. Ports: a service port's targetPort as a
/// number, or as the name of a container port (podutil.FindPort); the service port when targetPort is unset.
/// </summary>
internal static class EndpointAddresses
{
    public const string IPv4 = "IPv4";

    public const string IPv6 = "IPv6";

    /// <summary>The default network's name (KEP-3698).</summary>
    public const string DefaultNetwork = "kubernetes";

    /// <summary>The headless label upstream puts on a headless service's Endpoints and EndpointSlices.</summary>
    public const string HeadlessLabel = "service.kubernetes.io/headless";

    /// <summary>The service's selector, or null when it has none (then the controllers leave its endpoints alone).</summary>
    public static LabelSelector? SelectorOf(JsonObject service) =>
        service["spec"]?["selector"] is JsonObject { Count: > 0 } selector
            ? LabelSelector.FromLabelSelectorObject(new JsonObject { ["matchLabels"] = selector.DeepClone() })
            : null;

    /// <summary>The service's IP families, primary first (from spec.ipFamilies, else its clusterIP, else IPv4).</summary>
    public static IReadOnlyList<string> FamiliesOf(JsonObject service)
    {
        if (service["spec"]?["ipFamilies"] is JsonArray { Count: > 0 } families)
        {
            return families.Select(f => f?.GetValue<string>() ?? IPv4).Distinct(StringComparer.Ordinal).ToList();
        }

        return service.FieldString("spec.clusterIP") is { } ip && ip.Contains(':', StringComparison.Ordinal) ? [IPv6] : [IPv4];
    }

    public static bool IsHeadless(JsonObject service) => service.FieldString("spec.clusterIP") == "None";

    public static bool PublishesNotReady(JsonObject service) => service["spec"]?["publishNotReadyAddresses"]?.GetValue<bool>() == true;

    /// <summary>The family of an IP address.</summary>
    public static string FamilyOf(string ip) => ip.Contains(':', StringComparison.Ordinal) ? IPv6 : IPv4;

    /// <summary>ShouldPodBeInEndpoints: not finished, has an IP, and not being deleted unless <paramref name="includeTerminating"/>.</summary>
    public static bool ShouldBeInEndpoints(JsonObject pod, bool multiNetwork, bool includeTerminating) =>
        !PodState.IsTerminal(pod) && (includeTerminating || !pod.HasDeletionTimestamp()) && IpsOf(pod, multiNetwork).Count > 0;

    /// <summary>The pod's IPs that may back services (see the class remarks), in status order.</summary>
    public static IReadOnlyList<string> IpsOf(JsonObject pod, bool multiNetwork)
    {
        if (pod["status"]?["podIPs"] is JsonArray { Count: > 0 } podIps)
        {
            var wantedNetwork = pod["spec"]?["hostNetwork"]?.GetValue<bool>() == true ? "" : DefaultNetwork;
            return podIps.OfType<JsonObject>()
                .Where(p => !multiNetwork || (p.GetString("podNetwork") ?? "") == wantedNetwork)
                .Select(p => p.GetString("ip"))
                .OfType<string>()
                .Where(ip => ip.Length > 0)
                .ToList();
        }

        // Without podIPs only a server with the gate off trusts podIP: with it on, an unlabelled address may be any network's.
        return !multiNetwork && pod.FieldString("status.podIP") is { Length: > 0 } single ? [single] : [];
    }

    /// <summary>The pod's ports for the service's ports (name, port, protocol, appProtocol); a port the pod lacks is left out.</summary>
    public static JsonArray PortsFor(JsonObject service, JsonObject pod)
    {
        var ports = new JsonArray();
        foreach (var servicePort in (service["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var protocol = servicePort.GetString("protocol") ?? "TCP";
            if (FindPort(pod, servicePort, protocol) is not { } number)
            {
                continue;
            }

            var port = new JsonObject();
            if (servicePort.GetString("name") is { Length: > 0 } name)
            {
                port["name"] = name;
            }

            port["port"] = number;
            port["protocol"] = protocol;
            if (servicePort.GetString("appProtocol") is { } appProtocol)
            {
                port["appProtocol"] = appProtocol;
            }

            ports.Add(port);
        }

        return ports;
    }

    /// <summary>The target reference of a pod's address.</summary>
    public static JsonObject TargetRef(JsonObject pod) => new()
    {
        ["kind"] = "Pod",
        ["namespace"] = pod.Namespace(),
        ["name"] = pod.Name(),
        ["uid"] = pod.Uid(),
    };

    /// <summary>podutil.FindPort.</summary>
    private static long? FindPort(JsonObject pod, JsonObject servicePort, string protocol)
    {
        var target = servicePort["targetPort"];
        if (target is JsonValue v && v.TryGetValue(out string? name))
        {
            foreach (var container in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
            {
                foreach (var port in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    if (port.GetString("name") == name && (port.GetString("protocol") ?? "TCP") == protocol)
                    {
                        return port.GetInt64("containerPort");
                    }
                }
            }

            return long.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null;
        }

        return ObjectMeta.AsInt64(target) is { } targetPort and > 0 ? targetPort : servicePort.GetInt64("port");
    }
}
