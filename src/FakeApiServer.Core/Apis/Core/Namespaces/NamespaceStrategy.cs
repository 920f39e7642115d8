using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.Namespaces;

/// <summary>
/// core/v1 Namespace (pkg/registry/core/namespace/strategy.go): phase Active and the "kubernetes" finalizer
/// on create; a delete marks it Terminating, and it stays until spec.finalizers is emptied (namespaces/finalize).
/// </summary>
internal sealed class NamespaceStrategy() : ResourceStrategy(hasStatus: true)
{
    public const string KubernetesFinalizer = "kubernetes";

    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        obj["status"] = new JsonObject { ["phase"] = "Active" };
        if (obj["spec"] is not JsonObject spec)
        {
            spec = [];
            obj["spec"] = spec;
        }

        if (spec["finalizers"] is not JsonArray { Count: > 0 })
        {
            spec["finalizers"] = new JsonArray(KubernetesFinalizer);
        }
    }

    public override void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        base.PrepareForUpdate(newObj, oldObj);
        // spec.finalizers changes only through namespaces/finalize.
        CopyProperty(oldObj, newObj, "spec");
    }

    public override bool HoldsDeletion(JsonObject obj) => obj["spec"]?["finalizers"] is JsonArray { Count: > 0 };

    public override void PrepareForDelete(JsonObject obj) => obj["status"] = new JsonObject { ["phase"] = "Terminating" };
}

/// <summary>namespaces/finalize: only spec.finalizers changes.</summary>
internal sealed class NamespaceFinalizeStrategy(IResourceStrategy main) : StatusStrategy(main)
{
    public override void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var finalizers = newObj["spec"]?["finalizers"]?.DeepClone();
        var status = oldObj["status"]?.DeepClone();
        newObj["status"] = newObj["status"]?.DeepClone();
        base.PrepareForUpdate(newObj, oldObj);
        if (status is not null)
        {
            newObj["status"] = status;
        }

        if (newObj["spec"] is not JsonObject spec)
        {
            spec = [];
            newObj["spec"] = spec;
        }

        if (finalizers is null)
        {
            spec.Remove("finalizers");
        }
        else
        {
            spec["finalizers"] = finalizers;
        }
    }
}
