using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Api.Subresources;
using FakeApiServer.Schema;
using FakeApiServer.Schema.Validation;

namespace FakeApiServer.Registry.CustomResources;

/// <summary>
/// What a CustomResourceDefinition serves: one <see cref="ResourceDefinition"/> per served version, under the CRD's
/// accepted names, in version priority order (the first is the group's preferred version), each with its structural
/// schema. Conversion is None: every version stores its objects at the storage version's apiVersion.
/// </summary>
internal static class CustomResourceVersions
{
    /// <summary>The served versions of <paramref name="crd"/> (none when its names are not accepted yet).</summary>
    /// <param name="crd">The CRD as stored.</param>
    /// <param name="terminating">Whether the CRD is being deleted (creates are refused).</param>
    public static IReadOnlyList<(ResourceDefinition Definition, StructuralSchema? Schema)> From(JsonObject crd, bool terminating)
    {
        ArgumentNullException.ThrowIfNull(crd);
        var spec = crd["spec"] as JsonObject ?? [];
        var names = crd["status"]?["acceptedNames"] as JsonObject ?? [];
        var group = spec.GetString("group") ?? "";
        var plural = names.GetString("plural") ?? "";
        var kind = names.GetString("kind") ?? "";
        if (plural.Length == 0 || kind.Length == 0 || group.Length == 0)
        {
            return [];
        }

        var versions = (spec["versions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var storage = versions.FirstOrDefault(v => v["storage"] is JsonValue s && s.GetValueKind() == JsonValueKind.True)?.GetString("name");
        var namespaced = spec.GetString("scope") != "Cluster";
        var resource = new GroupResource(group, plural);
        var result = new List<(ResourceDefinition, StructuralSchema?)>();
        foreach (var version in versions
            .Where(v => v["served"] is JsonValue s && s.GetValueKind() == JsonValueKind.True)
            .OrderBy(v => v.GetString("name") ?? "", KubeVersionOrder.Instance))
        {
            var name = version.GetString("name") ?? "";
            var openApi = version["schema"]?["openAPIV3Schema"] as JsonObject;
            var schema = openApi is null ? null : CrdSchema.Parse(openApi);
            var structural = schema?.ToStructural();
            var subresources = version["subresources"] as JsonObject;
            var hasStatus = subresources?["status"] is JsonObject;
            var strategy = new CustomResourceStrategy(schema, structural, hasStatus, resource, terminating);
            var definition = new ResourceDefinition(group, name, kind, plural, namespaced)
            {
                Singular = names.GetString("singular") is { Length: > 0 } singular ? singular : kind.ToLowerInvariant(),
                ShortNames = Strings(names["shortNames"]),
                Categories = Strings(names["categories"]),
                Strategy = strategy,
                Subresources = Subresources(subresources, strategy, structural),
                Table = CustomResourceTable.For(version["additionalPrinterColumns"] as JsonArray),
                FieldSelectors = FieldSelectors(version["selectableFields"] as JsonArray),
                StrategicMergePatch = false,
                CustomResource = true,
                StorageApiVersion = storage is not null && storage != name ? group + "/" + storage : null,
                DeprecationWarning = version["deprecated"] is JsonValue d && d.GetValueKind() == JsonValueKind.True
                    ? version.GetString("deprecationWarning") ?? $"{group}/{name} {kind} is deprecated"
                    : null,
            };
            result.Add((definition, structural));
        }

        return result;
    }

    /// <summary>selectableFields: each jsonPath (".spec.color") becomes the field selector label "spec.color".</summary>
    /// <summary>The subresources a version's spec.versions[].subresources asks for: status and scale.</summary>
    private static Dictionary<string, SubresourceHandler> Subresources(JsonObject? subresources, CustomResourceStrategy strategy, StructuralSchema? structural)
    {
        var handlers = new Dictionary<string, SubresourceHandler>();
        if (subresources?["status"] is JsonObject)
        {
            handlers["status"] = Subresource.Status(new CustomResourceStatusStrategy(strategy, structural));
        }

        if (subresources?["scale"] is JsonObject scale)
        {
            handlers["scale"] = Subresource.Scale(new ScaleSubresource(
                scale.GetString("specReplicasPath") ?? ".spec.replicas", scale.GetString("statusReplicasPath") ?? ".status.replicas",
                scale.GetString("labelSelectorPath"), SpecSelectorFallback: false));
        }

        return handlers;
    }

    private static Dictionary<string, Func<JsonObject, string?>> FieldSelectors(JsonArray? selectableFields)
    {
        var selectors = new Dictionary<string, Func<JsonObject, string?>>(StringComparer.Ordinal);
        foreach (var field in selectableFields?.OfType<JsonObject>() ?? [])
        {
            var jsonPath = field.GetString("jsonPath") ?? "";
            if (PrinterColumnPath.TryParse(jsonPath, out _) is not { } path)
            {
                continue;
            }

            selectors[jsonPath.TrimStart('.')] = obj => path.Find(obj) switch
            {
                [JsonValue v] when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                [JsonValue v] => v.ToJsonString(),
                _ => "",
            };
        }

        return selectors;
    }

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.OfType<JsonValue>().Select(v => v.GetValue<string>())] : [];
}
