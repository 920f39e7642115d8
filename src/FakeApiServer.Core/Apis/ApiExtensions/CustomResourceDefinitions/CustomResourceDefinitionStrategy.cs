using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.ApiExtensions.CustomResourceDefinitions;

/// <summary>
/// The CRD strategy (apiextensions-apiserver registry/customresourcedefinition strategy.go): defaults as the v1
/// defaulters set them, status cleared on create, status.storedVersions gaining the storage version, status kept on
/// spec writes. A delete keeps the CRD with the customresourcecleanup finalizer and a Terminating condition until
/// its custom resources are gone, as upstream's REST Delete adds them.
/// </summary>
internal class CustomResourceDefinitionStrategy : ResourceStrategy, IResourceStrategy
{
    public override bool TracksGeneration => true;

    /// <summary>The finalizer that holds a deleted CRD until its custom resources are deleted.</summary>
    public const string CleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";

    private readonly TimeProvider _time;

    public CustomResourceDefinitionStrategy(TimeProvider time)
        : base(hasStatus: true) => _time = time;

    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        obj["status"] = new JsonObject
        {
            ["acceptedNames"] = new JsonObject { ["plural"] = "", ["kind"] = "" },
            ["storedVersions"] = new JsonArray(),
        };
        AddStoredVersion(obj);
    }

    public override void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        base.PrepareForUpdate(newObj, oldObj);
        AddStoredVersion(newObj);
    }

    public override IReadOnlyList<FieldError> Validate(JsonObject obj) => CustomResourceDefinitionValidation.Validate(obj);

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj) =>
        CustomResourceDefinitionValidation.ValidateUpdate(newObj, oldObj);

    /// <summary>Validation rules in the schemas that this server cannot parse: the CRD is accepted, with a warning each.</summary>
    public IReadOnlyList<string> WarningsOnCreate(JsonObject obj) => CustomResourceDefinitionValidation.RuleWarnings(obj);

    /// <summary>As on create.</summary>
    public IReadOnlyList<string> WarningsOnUpdate(JsonObject newObj, JsonObject oldObj) => CustomResourceDefinitionValidation.RuleWarnings(newObj);

    /// <summary>A CRD not yet marked for deletion stays: the delete adds the cleanup finalizer (<see cref="PrepareForDelete"/>).</summary>
    public override bool HoldsDeletion(JsonObject obj) => !obj.HasDeletionTimestamp();

    public override void PrepareForDelete(JsonObject obj)
    {
        var meta = obj.Metadata();
        if (!obj.Finalizers().Contains(CleanupFinalizer))
        {
            if (meta["finalizers"] is not JsonArray finalizers)
            {
                meta["finalizers"] = finalizers = [];
            }

            finalizers.Add(CleanupFinalizer);
        }

        CrdConditions.Set(obj, CrdConditions.Terminating, "True", "InstanceDeletionPending",
            "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon", _time.GetUtcNow());
    }

    /// <summary>The v1 defaults: names.singular and names.listKind from the kind, conversion strategy None.</summary>
    internal static void SetDefaults(JsonObject crd)
    {
        if (crd["spec"] is not JsonObject spec)
        {
            return;
        }

        if (spec["names"] is JsonObject names && names.GetString("kind") is { Length: > 0 } kind)
        {
            if (string.IsNullOrEmpty(names.GetString("singular")))
            {
                names["singular"] = kind.ToLowerInvariant();
            }

            if (string.IsNullOrEmpty(names.GetString("listKind")))
            {
                names["listKind"] = kind + "List";
            }
        }

        if (spec["conversion"] is not JsonObject conversion)
        {
            spec["conversion"] = new JsonObject { ["strategy"] = "None" };
        }
        else if (string.IsNullOrEmpty(conversion.GetString("strategy")))
        {
            conversion["strategy"] = "None";
        }
    }

    /// <summary>The storage version joins status.storedVersions when it is not there yet.</summary>
    internal static void AddStoredVersion(JsonObject crd)
    {
        var storage = StorageVersion(crd);
        if (storage is null)
        {
            return;
        }

        if (crd["status"] is not JsonObject status)
        {
            crd["status"] = status = [];
        }

        if (status["storedVersions"] is not JsonArray stored)
        {
            status["storedVersions"] = stored = [];
        }

        if (!stored.OfType<JsonValue>().Any(v => v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == storage))
        {
            stored.Add(storage);
        }
    }

    /// <summary>The name of the version marked storage: true (the first, when validation has not run yet), or null.</summary>
    internal static string? StorageVersion(JsonObject crd) =>
        (crd["spec"]?["versions"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(v => v["storage"] is JsonValue s && s.GetValueKind() == JsonValueKind.True)?.GetString("name");
}
