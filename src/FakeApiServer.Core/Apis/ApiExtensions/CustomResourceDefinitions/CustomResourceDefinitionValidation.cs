using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.CustomResources;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.ApiExtensions.CustomResourceDefinitions;

/// <summary>
/// Validation of a CustomResourceDefinition with upstream's messages (apiextensions validation.go): the name is
/// plural.group, the group a DNS subdomain with a dot, names DNS-1035 labels, a scope, at least one version and
/// exactly one storage version, a schema per version that is structural, the subresource paths and the printer columns.
/// </summary>
internal static class CustomResourceDefinitionValidation
{
    private static readonly string[] Scopes = ["Cluster", "Namespaced"];

    private static readonly string[] ColumnTypes = ["boolean", "date", "integer", "number", "string"];

    private static readonly string[] ConversionStrategies = ["None", "Webhook"];

    public static IReadOnlyList<FieldError> Validate(JsonObject crd)
    {
        var errors = new List<FieldError>();
        var spec = crd["spec"] as JsonObject ?? [];
        var group = spec.GetString("group") ?? "";
        var names = spec["names"] as JsonObject ?? [];
        var plural = names.GetString("plural") ?? "";
        if (crd.Name() != plural + "." + group)
        {
            errors.Add(FieldError.Invalid("metadata.name", crd.Name(), "must be spec.names.plural+\".\"+spec.group"));
        }

        if (group.Length == 0)
        {
            errors.Add(FieldError.Required("spec.group"));
        }
        else
        {
            if (NameValidation.IsDns1123Subdomain(group) is { Count: > 0 } groupErrors)
            {
                errors.Add(FieldError.Invalid("spec.group", group, string.Join(",", groupErrors)));
            }

            if (!group.Contains('.', StringComparison.Ordinal))
            {
                errors.Add(FieldError.Invalid("spec.group", group, "should be a domain with at least one dot"));
            }
        }

        var scope = spec.GetString("scope") ?? "";
        if (scope.Length == 0)
        {
            errors.Add(FieldError.Required("spec.scope"));
        }
        else if (!Scopes.Contains(scope))
        {
            errors.Add(FieldError.NotSupported("spec.scope", scope, Scopes));
        }

        ValidateVersions(spec, errors);
        errors.AddRange(ValidateNames(names, "spec.names"));
        if (spec["conversion"] is JsonObject conversion && conversion.GetString("strategy") is { } strategy && !ConversionStrategies.Contains(strategy))
        {
            errors.Add(FieldError.NotSupported("spec.conversion.strategy", strategy, ConversionStrategies));
        }

        return errors;
    }

    public static IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Validate(newObj));
        var newGroup = newObj["spec"]?["group"]?.ToJsonString();
        if (newGroup != oldObj["spec"]?["group"]?.ToJsonString())
        {
            errors.Add(FieldError.Invalid("spec.group", (newObj["spec"] as JsonObject)?.GetString("group"), "field is immutable"));
        }

        errors.AddRange(ValidateStatus(newObj));
        return errors;
    }

    /// <summary>status.storedVersions: each must be a version of the spec, and the storage version must be among them.</summary>
    public static IReadOnlyList<FieldError> ValidateStatus(JsonObject crd)
    {
        var errors = new List<FieldError>();
        var versions = VersionNames(crd["spec"] as JsonObject ?? []);
        var stored = (crd["status"]?["storedVersions"] as JsonArray)?.OfType<JsonValue>().Select(v => v.ToString()).ToList() ?? [];
        if (stored.Count == 0)
        {
            return errors;
        }

        for (var i = 0; i < stored.Count; i++)
        {
            if (!versions.Contains(stored[i]))
            {
                errors.Add(FieldError.Invalid(Index("status.storedVersions", i), stored[i], "must appear in spec.versions"));
            }
        }

        if (CustomResourceDefinitionStrategy.StorageVersion(crd) is { } storage && !stored.Contains(storage))
        {
            errors.Add(FieldError.Invalid("status.storedVersions", stored, "must have the storage version " + storage));
        }

        return errors;
    }

    /// <summary>The warnings of the versions' schemas: x-kubernetes-validations rules this server cannot parse.</summary>
    public static IReadOnlyList<string> RuleWarnings(JsonObject crd)
    {
        var warnings = new List<string>();
        var versions = crd["spec"]?["versions"] as JsonArray ?? [];
        for (var i = 0; i < versions.Count; i++)
        {
            if (versions[i]?["schema"]?["openAPIV3Schema"] is JsonObject schema)
            {
                warnings.AddRange(CustomResourceSchemaEngine.RuleWarnings(schema, Index("spec.versions", i) + ".schema.openAPIV3Schema"));
            }
        }

        return warnings;
    }

    private static void ValidateVersions(JsonObject spec, List<FieldError> errors)
    {
        var versions = spec["versions"] as JsonArray ?? [];
        if (versions.Count == 0)
        {
            errors.Add(FieldError.Required("spec.versions", "must have exactly one version marked as storage version"));
            return;
        }

        var storageCount = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicate = false;
        for (var i = 0; i < versions.Count; i++)
        {
            var path = Index("spec.versions", i);
            var version = versions[i] as JsonObject ?? [];
            var name = version.GetString("name") ?? "";
            if (name.Length == 0)
            {
                errors.Add(FieldError.Required(path + ".name"));
            }
            else if (NameValidation.IsDns1035Label(name) is { Count: > 0 } nameErrors)
            {
                errors.Add(FieldError.Invalid(path + ".name", name, string.Join(",", nameErrors)));
            }

            duplicate |= !seen.Add(name);
            if (IsTrue(version["storage"]))
            {
                storageCount++;
            }

            if (version["schema"]?["openAPIV3Schema"] is not JsonObject schema)
            {
                errors.Add(FieldError.Required(path + ".schema.openAPIV3Schema", "schemas are required"));
            }
            else
            {
                errors.AddRange(CustomResourceSchemaEngine.StructuralErrors(schema, path + ".schema.openAPIV3Schema"));
            }

            ValidateSubresources(version["subresources"] as JsonObject, path + ".subresources", errors);
            ValidateColumns(version["additionalPrinterColumns"] as JsonArray, path + ".additionalPrinterColumns", errors);
        }

        if (duplicate)
        {
            errors.Add(FieldError.Invalid("spec.versions", versions.ToJsonString(), "must contain unique version names"));
        }

        if (storageCount != 1)
        {
            errors.Add(FieldError.Invalid("spec.versions", versions.ToJsonString(), "must have exactly one version marked as storage version"));
        }
    }

    private static void ValidateSubresources(JsonObject? subresources, string path, List<FieldError> errors)
    {
        if (subresources?["scale"] is not JsonObject scale)
        {
            return;
        }

        var specPath = scale.GetString("specReplicasPath") ?? "";
        if (specPath.Length == 0)
        {
            errors.Add(FieldError.Required(path + ".scale.specReplicasPath"));
        }
        else if (!specPath.StartsWith(".spec.", StringComparison.Ordinal) || PrinterColumnPath.TryParse(specPath, out _) is null)
        {
            errors.Add(FieldError.Invalid(path + ".scale.specReplicasPath", specPath, "should be a json path under .spec"));
        }

        var statusPath = scale.GetString("statusReplicasPath") ?? "";
        if (statusPath.Length == 0)
        {
            errors.Add(FieldError.Required(path + ".scale.statusReplicasPath"));
        }
        else if (!statusPath.StartsWith(".status.", StringComparison.Ordinal) || PrinterColumnPath.TryParse(statusPath, out _) is null)
        {
            errors.Add(FieldError.Invalid(path + ".scale.statusReplicasPath", statusPath, "should be a json path under .status"));
        }

        if (scale.GetString("labelSelectorPath") is { Length: > 0 } selectorPath
            && (!(selectorPath.StartsWith(".spec.", StringComparison.Ordinal) || selectorPath.StartsWith(".status.", StringComparison.Ordinal))
                || PrinterColumnPath.TryParse(selectorPath, out _) is null))
        {
            errors.Add(FieldError.Invalid(path + ".scale.labelSelectorPath", selectorPath, "should be a json path under either .spec or .status"));
        }
    }

    private static void ValidateColumns(JsonArray? columns, string path, List<FieldError> errors)
    {
        for (var i = 0; i < (columns?.Count ?? 0); i++)
        {
            var columnPath = Index(path, i);
            var column = columns![i] as JsonObject ?? [];
            if (string.IsNullOrEmpty(column.GetString("name")))
            {
                errors.Add(FieldError.Required(columnPath + ".name"));
            }

            var type = column.GetString("type") ?? "";
            if (type.Length == 0)
            {
                errors.Add(FieldError.Required(columnPath + ".type"));
            }
            else if (!ColumnTypes.Contains(type))
            {
                errors.Add(FieldError.NotSupported(columnPath + ".type", type, ColumnTypes));
            }

            var jsonPath = column.GetString("jsonPath") ?? "";
            if (jsonPath.Length == 0)
            {
                errors.Add(FieldError.Required(columnPath + ".jsonPath"));
            }
            else if (PrinterColumnPath.TryParse(jsonPath, out var why) is null)
            {
                errors.Add(FieldError.Invalid(columnPath + ".jsonPath", jsonPath, why));
            }
        }
    }

    private static IEnumerable<FieldError> ValidateNames(JsonObject names, string path)
    {
        var plural = names.GetString("plural") ?? "";
        var singular = names.GetString("singular") ?? "";
        var kind = names.GetString("kind") ?? "";
        var listKind = names.GetString("listKind") ?? "";
        if (plural.Length == 0)
        {
            yield return FieldError.Required(path + ".plural");
        }
        else if (NameValidation.IsDns1035Label(plural) is { Count: > 0 } e)
        {
            yield return FieldError.Invalid(path + ".plural", plural, string.Join(",", e));
        }

        if (singular.Length == 0)
        {
            yield return FieldError.Required(path + ".singular");
        }
        else if (NameValidation.IsDns1035Label(singular) is { Count: > 0 } e)
        {
            yield return FieldError.Invalid(path + ".singular", singular, string.Join(",", e));
        }

        if (kind.Length == 0)
        {
            yield return FieldError.Required(path + ".kind");
        }
        else if (NameValidation.IsDns1035Label(kind.ToLowerInvariant()) is { Count: > 0 } e)
        {
            yield return FieldError.Invalid(path + ".kind", kind, "may have mixed case, but should otherwise match: " + string.Join(",", e));
        }

        if (listKind.Length == 0)
        {
            yield return FieldError.Required(path + ".listKind");
        }
        else if (NameValidation.IsDns1035Label(listKind.ToLowerInvariant()) is { Count: > 0 } e)
        {
            yield return FieldError.Invalid(path + ".listKind", listKind, "may have mixed case, but should otherwise match: " + string.Join(",", e));
        }

        if (kind.Length > 0 && kind == listKind)
        {
            yield return FieldError.Invalid(path + ".listKind", listKind, "kind and listKind may not be the same");
        }

        var shortNames = (names["shortNames"] as JsonArray)?.OfType<JsonValue>().Select(v => v.ToString()).ToList() ?? [];
        for (var i = 0; i < shortNames.Count; i++)
        {
            if (NameValidation.IsDns1035Label(shortNames[i]) is { Count: > 0 } e)
            {
                yield return FieldError.Invalid(Index(path + ".shortNames", i), shortNames[i], string.Join(",", e));
            }
        }

        var categories = (names["categories"] as JsonArray)?.OfType<JsonValue>().Select(v => v.ToString()).ToList() ?? [];
        for (var i = 0; i < categories.Count; i++)
        {
            if (NameValidation.IsDns1035Label(categories[i]) is { Count: > 0 } e)
            {
                yield return FieldError.Invalid(Index(path + ".categories", i), categories[i], string.Join(",", e));
            }
        }
    }

    private static HashSet<string> VersionNames(JsonObject spec) =>
        [.. (spec["versions"] as JsonArray ?? []).OfType<JsonObject>().Select(v => v.GetString("name") ?? "")];

    private static bool IsTrue(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    private static string Index(string path, int i) => path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
}
