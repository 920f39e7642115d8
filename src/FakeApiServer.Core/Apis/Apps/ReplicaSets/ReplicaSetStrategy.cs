using System.Text.Json.Nodes;
using FakeApiServer.Apis.Apps.Deployments;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Apps.ReplicaSets;

/// <summary>apps/v1 ReplicaSet (pkg/registry/apps/replicaset/strategy.go); its defaults are <see cref="ReplicaSetDefaults"/>.</summary>
internal sealed class ReplicaSetStrategy() : ResourceStrategy(hasStatus: true)
{
    public override bool TracksGeneration => true;

    public override IReadOnlyList<FieldError> Validate(JsonObject obj) => WorkloadValidation.Validate(obj);

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = WorkloadValidation.Validate(newObj);
        WorkloadValidation.ValidateSelectorUnchanged(newObj, oldObj, errors);
        return errors;
    }
}
