using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.Services;

/// <summary>
/// core/v1 SetDefaults_Service: type ClusterIP, sessionAffinity None (ClientIP: timeoutSeconds 10800), ports TCP with
/// targetPort = port, externalTrafficPolicy Cluster for externally reachable types, internalTrafficPolicy Cluster
/// (not for ExternalName), allocateLoadBalancerNodePorts true for LoadBalancer.
/// </summary>
internal static class ServiceDefaults
{
    /// <summary>upstream's DefaultClientIPServiceAffinitySeconds (three hours).</summary>
    private const int ClientIpAffinitySeconds = 10800;

    public static readonly IResourceDefaulter Instance = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is JsonObject spec)
        {
            Apply(spec);
        }
    });

    private static void Apply(JsonObject spec)
    {
        spec["sessionAffinity"] ??= "None";
        spec["type"] ??= "ClusterIP";
        var type = spec.GetString("type");
        if (spec.GetString("sessionAffinity") == "ClientIP")
        {
            var config = spec.ChildObject("sessionAffinityConfig");

            var clientIp = config.ChildObject("clientIP");

            clientIp["timeoutSeconds"] ??= ClientIpAffinitySeconds;
        }

        if (spec["ports"] is JsonArray ports)
        {
            foreach (var port in ports.OfType<JsonObject>())
            {
                port["protocol"] ??= "TCP";
                if (IsUnset(port["targetPort"]) && port["port"] is { } number)
                {
                    port["targetPort"] = number.DeepClone();
                }
            }
        }

        var externallyReachable = type is "NodePort" or "LoadBalancer"
            || (type == "ClusterIP" && spec["externalIPs"] is JsonArray { Count: > 0 });
        if (externallyReachable)
        {
            spec["externalTrafficPolicy"] ??= "Cluster";
        }

        if (type is "ClusterIP" or "NodePort" or "LoadBalancer")
        {
            spec["internalTrafficPolicy"] ??= "Cluster";
        }

        if (type == "LoadBalancer")
        {
            spec["allocateLoadBalancerNodePorts"] ??= true;
        }
    }

    /// <summary>A targetPort of 0 or "" counts as unset, as upstream compares it with intstr zero values.</summary>
    private static bool IsUnset(JsonNode? targetPort) => targetPort switch
    {
        null => true,
        JsonValue v when v.TryGetValue(out long n) => n == 0,
        JsonValue v when v.TryGetValue(out string? text) => string.IsNullOrEmpty(text),
        _ => false,
    };
}
