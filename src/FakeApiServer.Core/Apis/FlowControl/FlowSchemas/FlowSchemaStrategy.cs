using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.FlowControl.FlowSchemas;

/// <summary>
/// flowcontrol.apiserver.k8s.io/v1 FlowSchema (ValidateFlowSchema; SetDefaults_FlowSchemaSpec: matchingPrecedence 1000):
/// priorityLevelConfiguration.name required, matchingPrecedence between 1 and 10000, distinguisherMethod ByUser or
/// ByNamespace.
/// </summary>
internal sealed class FlowSchemaStrategy() : ResourceStrategy(hasStatus: true)
{
    public override bool TracksGeneration => true;

    public static readonly IResourceDefaulter Defaults = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is JsonObject spec)
        {
            spec["matchingPrecedence"] ??= 1000;
        }
    });

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        FieldChecks.Required(obj, errors, "spec.priorityLevelConfiguration.name");
        if ((obj["spec"] as JsonObject)?.GetInt64("matchingPrecedence") is { } precedence && precedence is < 1 or > 10000)
        {
            errors.Add(FieldError.Invalid("spec.matchingPrecedence", precedence, "must be between 1 and 10000"));
        }

        FieldChecks.OneOf(obj, errors, "spec.distinguisherMethod.type", "ByNamespace", "ByUser");
        return errors;
    }
}
