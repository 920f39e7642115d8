using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.ConfigMaps;

/// <summary>core/v1 ConfigMap: data and binaryData keys are config keys and may not repeat across the two; immutable ones stay so.</summary>
internal sealed class ConfigMapStrategy() : ResourceStrategy(hasStatus: false)
{
    public override IReadOnlyList<FieldError> Validate(JsonObject obj) =>
        [.. DataValidation.ValidateConfigData(obj, "data", "binaryData"), .. TotalSize(obj)];

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj) =>
        [.. DataValidation.ValidateImmutableData(newObj, oldObj, "data", "binaryData"), .. TotalSize(newObj)];

    private static IReadOnlyList<FieldError> TotalSize(JsonObject obj) => DataValidation.ValidateTotalSize(obj, "", ["data"], ["binaryData"]);
}
