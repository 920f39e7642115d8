using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.GarbageCollection;

/// <summary>Reading and writing metadata.ownerReferences, as apimachinery's metav1 helpers (GetControllerOf, NewControllerRef).</summary>
internal static class OwnerReferences
{
    /// <summary>The object's ownerReferences (empty when it has none).</summary>
    public static IReadOnlyList<JsonObject> Of(JsonObject obj) =>
        obj.Metadata()["ownerReferences"] is JsonArray refs ? refs.OfType<JsonObject>().ToList() : [];

    /// <summary>The reference with controller=true, or null.</summary>
    public static JsonObject? ControllerOf(JsonObject obj) =>
        Of(obj).FirstOrDefault(r => r["controller"] is JsonValue v && v.TryGetValue(out bool c) && c);

    /// <summary>Whether <paramref name="obj"/> is controlled by the object of <paramref name="ownerUid"/> with the given kind.</summary>
    public static bool IsControlledBy(JsonObject obj, string kind, string? ownerUid) =>
        ownerUid is not null && ControllerOf(obj) is { } owner && owner.GetString("uid") == ownerUid && owner.GetString("kind") == kind;

    /// <summary>A controller reference to <paramref name="owner"/> (controller and blockOwnerDeletion true), as NewControllerRef.</summary>
    public static JsonObject NewControllerRef(JsonObject owner, string apiVersion, string kind) => new()
    {
        ["apiVersion"] = apiVersion,
        ["kind"] = kind,
        ["name"] = owner.Name(),
        ["uid"] = owner.Uid(),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    /// <summary>Whether a reference blocks its owner's foreground deletion.</summary>
    public static bool BlocksOwnerDeletion(JsonObject reference) =>
        reference["blockOwnerDeletion"] is JsonValue v && v.TryGetValue(out bool b) && b;
}
