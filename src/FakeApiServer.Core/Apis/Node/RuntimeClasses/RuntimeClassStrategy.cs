using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Node.RuntimeClasses;

/// <summary>node.k8s.io/v1 RuntimeClass (ValidateRuntimeClass): handler required, a DNS-1123 label, and immutable.</summary>
internal sealed class RuntimeClassStrategy() : ResourceStrategy(hasStatus: false)
{
    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        var handler = obj.GetString("handler");
        if (string.IsNullOrEmpty(handler))
        {
            errors.Add(FieldError.Required("handler"));
        }
        else
        {
            errors.AddRange(NameValidation.IsDns1123Label(handler).Select(message => FieldError.Invalid("handler", handler, message)));
        }

        return errors;
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        FieldChecks.Immutable(newObj, oldObj, errors, "handler");
        return errors;
    }
}
