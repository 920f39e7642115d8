using System.Text.Json.Nodes;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Registry;

/// <summary>The strategy of a kind without status whose only rule a client meets is a few required fields (dotted paths).</summary>
internal sealed class RequiredFieldsStrategy(params string[] required) : ResourceStrategy(hasStatus: false)
{
    public override IReadOnlyList<FieldError> Validate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        FieldChecks.Required(obj, errors, required);
        return errors;
    }
}
