using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Networking.NetworkPolicies;

/// <summary>
/// networking/v1 SetDefaults_NetworkPolicy: policyTypes [Ingress], plus Egress when egress rules are given; every port's
/// protocol TCP.
/// </summary>
internal static class NetworkPolicyDefaults
{
    public static readonly IResourceDefaulter Instance = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return;
        }

        if (spec["policyTypes"] is not JsonArray { Count: > 0 })
        {
            var types = new JsonArray("Ingress");
            if (spec["egress"] is JsonArray { Count: > 0 })
            {
                types.Add("Egress");
            }

            spec["policyTypes"] = types;
        }

        foreach (var direction in new[] { "ingress", "egress" })
        {
            foreach (var rule in (spec[direction] as JsonArray ?? []).OfType<JsonObject>())
            {
                foreach (var port in (rule["ports"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    port["protocol"] ??= "TCP";
                }
            }
        }
    });
}
