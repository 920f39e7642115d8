using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Networking.IngressClasses;

/// <summary>networking.k8s.io/v1 IngressClass (ValidateIngressClass): spec.controller required and immutable; parameters scope Cluster or Namespace.</summary>
internal sealed class IngressClassStrategy() : ResourceStrategy(hasStatus: false)
{
    public override bool TracksGeneration => true;

    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        FieldChecks.Required(obj, errors, "spec.controller");
        FieldChecks.OneOf(obj, errors, "spec.parameters.scope", "Cluster", "Namespace");
        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        FieldChecks.Immutable(newObj, oldObj, errors, "spec.controller");
        return errors;
    }
}
