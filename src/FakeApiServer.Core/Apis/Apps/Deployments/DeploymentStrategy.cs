using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Apps.Deployments;

/// <summary>apps/v1 Deployment (pkg/registry/apps/deployment/strategy.go and the v1 defaulters).</summary>
internal sealed class DeploymentStrategy() : ResourceStrategy(hasStatus: true)
{
    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        if (obj["spec"] is JsonObject spec)
        {
            ApplyDefaults(spec);
        }
    }

    public override void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        base.PrepareForUpdate(newObj, oldObj);
        if (newObj["spec"] is JsonObject spec)
        {
            ApplyDefaults(spec);
        }
    }

    public override IReadOnlyList<FieldError> Validate(JsonObject obj) => WorkloadValidation.Validate(obj);

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = WorkloadValidation.Validate(newObj);
        WorkloadValidation.ValidateSelectorUnchanged(newObj, oldObj, errors);
        return errors;
    }

    private static void ApplyDefaults(JsonObject spec)
    {
        WorkloadValidation.DefaultTemplate(spec);
        if (spec["progressDeadlineSeconds"] is null)
        {
            spec["progressDeadlineSeconds"] = 600;
        }

        if (spec["strategy"] is not JsonObject strategy)
        {
            strategy = [];
            spec["strategy"] = strategy;
        }

        strategy["type"] ??= "RollingUpdate";
        if (strategy.GetString("type") == "RollingUpdate" && strategy["rollingUpdate"] is null)
        {
            strategy["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = "25%", ["maxSurge"] = "25%" };
        }
    }
}
