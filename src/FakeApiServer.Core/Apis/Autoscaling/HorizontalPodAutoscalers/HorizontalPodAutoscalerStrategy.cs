using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Autoscaling.HorizontalPodAutoscalers;

/// <summary>
/// autoscaling HorizontalPodAutoscaler (pkg/registry/autoscaling/horizontalpodautoscaler/strategy.go,
/// ValidateHorizontalPodAutoscaler), on the stored autoscaling/v2 form: scaleTargetRef kind and name required,
/// minReplicas at least 1, maxReplicas at least 1 and at least minReplicas.
/// </summary>
internal sealed class HorizontalPodAutoscalerStrategy() : ResourceStrategy(hasStatus: true)
{
    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var spec = obj["spec"] as JsonObject ?? [];
        if (string.IsNullOrEmpty(spec["scaleTargetRef"]?["kind"]?.GetValue<string>()))
        {
            errors.Add(FieldError.Required("spec.scaleTargetRef.kind"));
        }

        if (string.IsNullOrEmpty(spec["scaleTargetRef"]?["name"]?.GetValue<string>()))
        {
            errors.Add(FieldError.Required("spec.scaleTargetRef.name"));
        }

        var min = spec.GetInt64("minReplicas");
        if (min is < 1)
        {
            errors.Add(FieldError.Invalid("spec.minReplicas", min.Value, "must be greater than or equal to 1"));
        }

        var max = spec.GetInt64("maxReplicas") ?? 0;
        if (max < 1)
        {
            errors.Add(FieldError.Invalid("spec.maxReplicas", max, "must be greater than or equal to 1"));
        }
        else if (min is { } least && max < least)
        {
            errors.Add(FieldError.Invalid("spec.maxReplicas", max, "must be greater than or equal to `minReplicas`"));
        }

        return errors;
    }
}
