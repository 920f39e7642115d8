using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Networking.ServiceCIDRs;

/// <summary>
/// networking.k8s.io/v1 ServiceCIDR (ValidateServiceCIDR): one or two CIDRs, at most one per IP family, each a valid
/// prefix; on update only a single-stack CIDR may gain its second family (upstream's dual-stack upgrade rule).
/// </summary>
internal sealed class ServiceCIDRStrategy() : ResourceStrategy(hasStatus: true)
{
    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var cidrs = obj["spec"]?["cidrs"] as JsonArray ?? [];
        if (cidrs.Count == 0)
        {
            errors.Add(FieldError.Required("spec.cidrs", "at least one CIDR required"));
        }
        else if (cidrs.Count > 2)
        {
            errors.Add(FieldError.TooMany("spec.cidrs", cidrs.Count, 2));
        }

        var families = new HashSet<System.Net.Sockets.AddressFamily>();
        for (var i = 0; i < cidrs.Count; i++)
        {
            var text = cidrs[i]?.GetValue<string>() ?? "";
            if (!IPNetwork.TryParse(text, out var network))
            {
                errors.Add(FieldError.Invalid($"spec.cidrs[{i}]", text, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
            }
            else if (!families.Add(network.BaseAddress.AddressFamily))
            {
                errors.Add(FieldError.Invalid("spec.cidrs", cidrs.ToJsonString(), "may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64"));
            }
        }

        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        var oldCidrs = oldObj["spec"]?["cidrs"] as JsonArray ?? [];
        var newCidrs = newObj["spec"]?["cidrs"] as JsonArray ?? [];
        var upgrade = oldCidrs.Count == 1 && newCidrs.Count == 2 && JsonNode.DeepEquals(oldCidrs[0], newCidrs[0]);
        if (!upgrade && !JsonNode.DeepEquals(oldCidrs, newCidrs))
        {
            errors.Add(FieldError.Invalid("spec.cidrs", newCidrs.ToJsonString(), "field is immutable"));
        }

        return errors;
    }
}
