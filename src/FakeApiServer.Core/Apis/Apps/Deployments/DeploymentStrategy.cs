using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Apps.Deployments;

/// <summary>apps/v1 Deployment (pkg/registry/apps/deployment/strategy.go); its defaults are <see cref="DeploymentDefaults"/>.</summary>
internal sealed class DeploymentStrategy() : ResourceStrategy(hasStatus: true)
{
    public override bool TracksGeneration => true;

    /// <summary>Annotations count too: they are copied to the ReplicaSets (upstream's deployment PrepareForUpdate).</summary>
    public override bool GenerationChanged(JsonObject newObj, JsonObject oldObj) =>
        DesiredState.SpecChanged(newObj, oldObj) || !JsonNode.DeepEquals(newObj.Metadata()["annotations"], oldObj.Metadata()["annotations"]);

    public override IReadOnlyList<FieldError> Validate(JsonObject obj) => WorkloadValidation.Validate(obj);

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = WorkloadValidation.Validate(newObj);
        WorkloadValidation.ValidateSelectorUnchanged(newObj, oldObj, errors);
        return errors;
    }
}
