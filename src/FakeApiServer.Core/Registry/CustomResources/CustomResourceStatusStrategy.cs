using System.Text.Json.Nodes;
using FakeApiServer.Schema;

namespace FakeApiServer.Registry.CustomResources;

/// <summary>
/// The /status strategy of a custom resource: only .status changes (spec and metadata are kept from the stored
/// object), the new status is pruned and defaulted, and the whole object is validated against the schema, as
/// upstream's statusStrategy does.
/// </summary>
internal sealed class CustomResourceStatusStrategy(CustomResourceStrategy main, StructuralSchema? structural) : StatusStrategy(main), IResourceStrategy
{
    public override void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        base.PrepareForUpdate(newObj, oldObj);
        if (structural is not null)
        {
            UnknownFields.Prune(newObj, structural);
        }

        if (main.Schema is { } schema)
        {
            CustomResourceSchemaEngine.Default(schema, newObj);
        }
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj) => main.ValidateUpdate(newObj, oldObj);

    /// <summary>The main strategy's warnings (rules it cannot evaluate), for the whole new object.</summary>
    public IReadOnlyList<string> WarningsOnUpdate(JsonObject newObj, JsonObject oldObj) => main.WarningsOnUpdate(newObj, oldObj);
}
