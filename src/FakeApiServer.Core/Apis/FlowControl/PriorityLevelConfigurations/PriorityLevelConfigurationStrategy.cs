using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.FlowControl.PriorityLevelConfigurations;

/// <summary>
/// flowcontrol.apiserver.k8s.io/v1 PriorityLevelConfiguration (ValidatePriorityLevelConfiguration; v1 defaults in
/// <see cref="Defaults"/>: Limited gets nominalConcurrencyShares 30, lendablePercent 0 and a Queue response's queues 64,
/// handSize 8, queueLengthLimit 50; Exempt gets nominalConcurrencyShares 0 and lendablePercent 0): type Exempt or Limited,
/// with its matching section only; limitResponse type Queue or Reject.
/// </summary>
internal sealed class PriorityLevelConfigurationStrategy() : ResourceStrategy(hasStatus: true)
{
    public override bool TracksGeneration => true;

    public static readonly IResourceDefaulter Defaults = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return;
        }

        if (spec["limited"] is JsonObject limited)
        {
            limited["nominalConcurrencyShares"] ??= 30;
            limited["lendablePercent"] ??= 0;
            if (limited["limitResponse"]?["queuing"] is JsonObject queuing)
            {
                queuing["queues"] ??= 64;
                queuing["handSize"] ??= 8;
                queuing["queueLengthLimit"] ??= 50;
            }
        }

        if (spec["exempt"] is JsonObject exempt)
        {
            exempt["nominalConcurrencyShares"] ??= 0;
            exempt["lendablePercent"] ??= 0;
        }
    });

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj["spec"] as JsonObject ?? [];
        var type = spec.GetString("type");
        if (string.IsNullOrEmpty(type))
        {
            errors.Add(FieldError.Required("spec.type"));
        }
        else if (type is not ("Exempt" or "Limited"))
        {
            errors.Add(FieldError.NotSupported("spec.type", type, ["Exempt", "Limited"]));
        }
        else if (type == "Limited" && spec["limited"] is null)
        {
            errors.Add(FieldError.Required("spec.limited", "must not be empty when type is Limited"));
        }

        if (type == "Exempt" && spec["limited"] is not null)
        {
            errors.Add(FieldError.Forbidden("spec.limited", "must be nil if the type is not Limited"));
        }

        FieldChecks.OneOf(obj, errors, "spec.limited.limitResponse.type", "Queue", "Reject");
        return errors;
    }
}
