using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Networking.IPAddresses;

/// <summary>
/// networking.k8s.io/v1 IPAddress (ValidateIPAddress): the name is an IP address in canonical form; spec.parentRef
/// (resource and name) is required and immutable.
/// </summary>
internal sealed class IPAddressStrategy() : ResourceStrategy(hasStatus: false)
{
    /// <summary>The IPAddress name rule (ValidateIPAddressName): a canonical IPv4 or IPv6 address.</summary>
    public static IReadOnlyList<string> ValidateName(string name) =>
        IPAddress.TryParse(name, out var address) && address.ToString() == name && !name.Contains('%', StringComparison.Ordinal)
            ? []
            : IPAddress.TryParse(name, out var parsed)
                ? [$"must be in canonical form (\"{parsed}\")"]
                : ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"];

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        if (obj["spec"]?["parentRef"] is null)
        {
            errors.Add(FieldError.Required("spec.parentRef"));
        }
        else
        {
            FieldChecks.Required(obj, errors, "spec.parentRef.resource", "spec.parentRef.name");
        }

        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        FieldChecks.Immutable(newObj, oldObj, errors, "spec.parentRef");
        return errors;
    }
}
