using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Apps.ControllerRevisions;

/// <summary>apps/v1 ControllerRevision (ValidateControllerRevision): revision non-negative; data immutable on update. No status.</summary>
internal sealed class ControllerRevisionStrategy() : ResourceStrategy(hasStatus: false)
{
    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        FieldChecks.NonNegative(obj, errors, "revision");
        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        FieldChecks.Immutable(newObj, oldObj, errors, "data");
        return errors;
    }
}
