using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Apps.Deployments;

/// <summary>apps/v1 Deployment (pkg/registry/apps/deployment/strategy.go); its defaults are <see cref="DeploymentDefaults"/>.</summary>
internal sealed class DeploymentStrategy() : ResourceStrategy(hasStatus: true)
{
    public override IReadOnlyList<FieldError> Validate(JsonObject obj) => WorkloadValidation.Validate(obj);

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = WorkloadValidation.Validate(newObj);
        WorkloadValidation.ValidateSelectorUnchanged(newObj, oldObj, errors);
        return errors;
    }
}
