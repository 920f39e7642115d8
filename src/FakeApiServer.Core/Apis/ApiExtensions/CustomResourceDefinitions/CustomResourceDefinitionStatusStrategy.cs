using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.ApiExtensions.CustomResourceDefinitions;

/// <summary>
/// customresourcedefinitions/status: only status changes (conditions, acceptedNames, storedVersions), checked as
/// upstream's ValidateUpdateCustomResourceDefinitionStatus does.
/// </summary>
internal sealed class CustomResourceDefinitionStatusStrategy(CustomResourceDefinitionStrategy main) : StatusStrategy(main)
{
    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj) =>
        CustomResourceDefinitionValidation.ValidateStatus(newObj);
}
