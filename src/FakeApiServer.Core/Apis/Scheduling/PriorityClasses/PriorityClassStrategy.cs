using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Scheduling.PriorityClasses;

/// <summary>
/// scheduling.k8s.io/v1 PriorityClass (ValidatePriorityClass and its update; preemptionPolicy defaults to
/// PreemptLowerPriority): names starting with "system-" are reserved for the two built-in classes; a user class's value
/// is at most one billion; value may not change and preemptionPolicy is immutable.
/// </summary>
internal sealed class PriorityClassStrategy() : ResourceStrategy(hasStatus: false)
{
    public override bool TracksGeneration => true;

    /// <summary>Upstream's PrepareForUpdate does nothing: the generation stays 1.</summary>
    public override bool GenerationChanged(JsonObject newObj, JsonObject oldObj) => false;

    /// <summary>upstream's scheduling.HighestUserDefinablePriority.</summary>
    public const long HighestUserDefinablePriority = 1_000_000_000;

    public static readonly IResourceDefaulter Defaults = new ResourceDefaulter(obj => obj["preemptionPolicy"] ??= "PreemptLowerPriority");

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var name = obj.Name();
        var value = obj.GetInt64("value") ?? 0;
        if (name.StartsWith("system-", StringComparison.Ordinal))
        {
            if (SystemPriorityClasses.Check(name, value, obj["globalDefault"]?.GetValue<bool>() == true) is { } problem)
            {
                errors.Add(FieldError.Forbidden("metadata.name", "priority class names with 'system-' prefix are reserved for system use only. error: " + problem));
            }
        }
        else if (value > HighestUserDefinablePriority)
        {
            errors.Add(FieldError.Forbidden("value", "maximum allowed value of a user defined priority is 1000000000"));
        }

        FieldChecks.OneOf(obj, errors, "preemptionPolicy", "Never", "PreemptLowerPriority");
        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        if (!JsonNode.DeepEquals(newObj["value"], oldObj["value"]))
        {
            errors.Add(FieldError.Forbidden("value", "may not be changed in an update."));
        }

        FieldChecks.Immutable(newObj, oldObj, errors, "preemptionPolicy");
        return errors;
    }
}
