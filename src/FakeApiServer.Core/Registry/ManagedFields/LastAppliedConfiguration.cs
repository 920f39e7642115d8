using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Schema;

namespace FakeApiServer.Registry.ManagedFields;

/// <summary>
/// kube-apiserver's bridge between client-side apply (the kubectl.kubernetes.io/last-applied-configuration
/// annotation) and server-side apply, which it grants only to the manager "kubectl": an apply may take over fields
/// that the annotation says were client-side applied and still hold that value (lastAppliedManager), and an apply
/// keeps an existing annotation in step with the applied configuration (lastAppliedUpdater).
/// </summary>
internal static class LastAppliedConfiguration
{
    public const string Annotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>The only manager the upgrade path serves; other managers opt out by their name.</summary>
    public const string KubectlManager = "kubectl";

    /// <summary>
    /// The fields an apply may take over without a conflict: those in the live object's annotation whose live
    /// value still equals the annotation's. Empty when there is no readable annotation.
    /// </summary>
    public static FieldSet AllowedConflicts(JsonObject live, StructuralSchema? schema)
    {
        if (Read(live) is not { } text)
        {
            return new FieldSet();
        }

        JsonObject? lastApplied;
        try
        {
            lastApplied = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return new FieldSet();
        }

        if (lastApplied is null)
        {
            return new FieldSet();
        }

        var changed = FieldSetBuilder.Compare(live, lastApplied, schema);
        return FieldSetBuilder.ToFieldSet(lastApplied, schema).Difference(changed.Modified).Difference(changed.Added);
    }

    /// <summary>Rewrites an existing, non-empty annotation of <paramref name="obj"/> to the applied configuration.</summary>
    public static void Update(JsonObject obj, JsonObject config)
    {
        if (Read(obj) is null)
        {
            return;
        }

        ((JsonObject)obj.Metadata()["annotations"]!)[Annotation] = Build(config);
    }

    /// <summary>
    /// The annotation's value for an applied configuration, as upstream's buildLastApplied encodes it: the
    /// configuration without the annotation, keys sorted, HTML characters escaped, ending in a newline (Go's json.Encoder).
    /// </summary>
    public static string Build(JsonObject config)
    {
        var copy = (JsonObject)config.DeepClone();
        if (copy["metadata"] is JsonObject meta && meta["annotations"] is JsonObject annotations)
        {
            annotations.Remove(Annotation);
        }

        return GoJson.Marshal(copy) + "\n";
    }

    private static string? Read(JsonObject obj) =>
        obj["metadata"]?["annotations"] is JsonObject annotations && annotations.GetString(Annotation) is { Length: > 0 } text ? text : null;
}
