using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.ConfigMaps;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.Secrets;

/// <summary>core/v1 Secret: type defaults to Opaque and is immutable; data keys are config keys.</summary>
internal sealed class SecretStrategy() : ResourceStrategy(hasStatus: false)
{
    /// <summary>SetDefaults_Secret: an empty type is Opaque, on every write (so a PUT without type of a typed secret is refused as a type change, as upstream).</summary>
    public static readonly IResourceDefaulter Defaults = new ResourceDefaulter(obj =>
    {
        if (string.IsNullOrEmpty(obj.GetString("type")))
        {
            obj["type"] = "Opaque";
        }
    });

    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        MergeStringData(obj);
    }

    /// <summary>stringData is write-only: its entries are merged into data, base64-encoded, as upstream does on write.</summary>
    private static void MergeStringData(JsonObject obj)
    {
        if (obj["stringData"] is not JsonObject stringData)
        {
            return;
        }

        if (obj["data"] is not JsonObject data)
        {
            data = [];
            obj["data"] = data;
        }

        foreach (var (key, value) in stringData)
        {
            var text = value is JsonValue v && v.TryGetValue(out string? s) ? s : value?.ToJsonString() ?? "";
            data[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));
        }

        obj.Remove("stringData");
    }

    public override void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        base.PrepareForUpdate(newObj, oldObj);
        MergeStringData(newObj);
    }

    public override IReadOnlyList<FieldError> Validate(JsonObject obj) =>
        [.. DataValidation.ValidateConfigData(obj, "data"), .. DataValidation.ValidateTotalSize(obj, "data", [], ["data"])];

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(DataValidation.ValidateImmutableData(newObj, oldObj, "data"));
        errors.AddRange(DataValidation.ValidateTotalSize(newObj, "data", [], ["data"]));
        if (newObj.GetString("type") != oldObj.GetString("type"))
        {
            errors.Add(FieldError.Invalid("type", newObj.GetString("type"), "field is immutable"));
        }

        return errors;
    }
}
