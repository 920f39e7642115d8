using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Networking.NetworkPolicies;

/// <summary>networking.k8s.io/v1 NetworkPolicy (ValidateNetworkPolicySpec): policyTypes of Ingress and Egress only, at most both; port protocols TCP, UDP or SCTP.</summary>
internal sealed class NetworkPolicyStrategy() : ResourceStrategy(hasStatus: false)
{
    public override bool TracksGeneration => true;

    private static readonly string[] PolicyTypes = ["Ingress", "Egress"];
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var types = obj["spec"]?["policyTypes"] as JsonArray ?? [];
        for (var i = 0; i < types.Count; i++)
        {
            var type = types[i]?.GetValue<string>() ?? "";
            if (!PolicyTypes.Contains(type))
            {
                errors.Add(FieldError.NotSupported($"spec.policyTypes[{i}]", type, PolicyTypes));
            }
        }

        if (types.Count > PolicyTypes.Length)
        {
            errors.Add(FieldError.Invalid("spec.policyTypes", types.ToJsonString(), "may not specify more than two policyTypes"));
        }

        foreach (var direction in new[] { "ingress", "egress" })
        {
            var rules = obj["spec"]?[direction] as JsonArray ?? [];
            for (var i = 0; i < rules.Count; i++)
            {
                var ports = rules[i]?["ports"] as JsonArray ?? [];
                for (var j = 0; j < ports.Count; j++)
                {
                    if (ports[j]?["protocol"]?.GetValue<string>() is { } protocol && !Protocols.Contains(protocol))
                    {
                        errors.Add(FieldError.NotSupported($"spec.{direction}[{i}].ports[{j}].protocol", protocol, Protocols));
                    }
                }
            }
        }

        return errors;
    }
}
