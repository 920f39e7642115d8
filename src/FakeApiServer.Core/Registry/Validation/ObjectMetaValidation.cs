using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Registry.Validation;

/// <summary>
/// ObjectMeta checks of k8s.io/apimachinery pkg/api/validation (objectmeta.go) over the JSON metadata object, with
/// upstream's field paths, order and messages. Pure: never mutates the metadata.
/// </summary>
internal static class ObjectMetaValidation
{
    /// <summary>FieldImmutableErrorMsg.</summary>
    public const string FieldImmutableErrorMsg = "field is immutable";

    /// <summary>TotalAnnotationSizeLimitB: keys plus values, in bytes.</summary>
    public const int TotalAnnotationSizeLimitB = 256 * (1 << 10);

    /// <summary>IsNegativeErrorMsg.</summary>
    public const string IsNegativeErrorMsg = "must be greater than or equal to 0";

    /// <summary>metav1.FinalizerOrphanDependents.</summary>
    public const string FinalizerOrphanDependents = "orphan";

    /// <summary>metav1.FinalizerDeleteDependents.</summary>
    public const string FinalizerDeleteDependents = "foregroundDeletion";

    private const string FieldManagerPath = "manager";
    private const int FieldManagerMaxLength = 128;
    private const int MaxSubresourceNameLength = 256;

    /// <summary>
    /// ValidateObjectMeta on create: generateName, name (through <paramref name="nameValidator"/>, e.g.
    /// <see cref="NameValidation.NameIsDnsSubdomain"/>), namespace, generation, labels, annotations, ownerReferences,
    /// finalizers and managedFields. generateName is judged with its trailing dash masked, as upstream's
    /// ValidateNameFunc does with prefix=true.
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateObjectMeta(JsonObject metadata, bool namespaced, Func<string, IReadOnlyList<string>> nameValidator)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(nameValidator);
        var errs = new List<FieldError>();

        var generateName = GetString(metadata, "generateName");
        if (generateName.Length != 0)
        {
            foreach (var msg in nameValidator(NameValidation.MaskTrailingDash(generateName)))
            {
                errs.Add(FieldError.Invalid("metadata.generateName", generateName, msg));
            }
        }

        var name = GetString(metadata, "name");
        if (name.Length == 0)
        {
            errs.Add(FieldError.Required("metadata.name", "name or generateName is required"));
        }
        else
        {
            foreach (var msg in nameValidator(name))
            {
                errs.Add(FieldError.Invalid("metadata.name", name, msg));
            }
        }

        var ns = GetString(metadata, "namespace");
        if (namespaced)
        {
            if (ns.Length == 0)
            {
                errs.Add(FieldError.Required("metadata.namespace"));
            }
            else
            {
                foreach (var msg in NameValidation.IsDns1123Label(ns))
                {
                    errs.Add(FieldError.Invalid("metadata.namespace", ns, msg));
                }
            }
        }
        else if (ns.Length != 0)
        {
            errs.Add(FieldError.Forbidden("metadata.namespace", "not allowed on this type"));
        }

        var generation = GetInt64(metadata, "generation");
        if (generation < 0)
        {
            errs.Add(FieldError.Invalid("metadata.generation", generation, IsNegativeErrorMsg));
        }

        errs.AddRange(ValidateLabels(metadata["labels"] as JsonObject, "metadata.labels"));
        errs.AddRange(ValidateAnnotations(metadata["annotations"] as JsonObject, "metadata.annotations"));
        errs.AddRange(ValidateOwnerReferences(metadata["ownerReferences"] as JsonArray, "metadata.ownerReferences"));
        errs.AddRange(ValidateFinalizers(metadata["finalizers"] as JsonArray, "metadata.finalizers"));
        errs.AddRange(ValidateManagedFields(metadata["managedFields"] as JsonArray, "metadata.managedFields"));
        return errs;
    }

    /// <summary>
    /// ValidateObjectMetaUpdate: no new finalizers once deletion started, resourceVersion present, generation not
    /// decremented, name/namespace/uid/creationTimestamp/deletionTimestamp/deletionGracePeriodSeconds immutable, and
    /// labels, annotations, ownerReferences and managedFields valid. generateName may change, as upstream allows.
    /// Callers fill the stored resourceVersion, uid and creationTimestamp in first, as upstream's BeforeUpdate and
    /// unconditional update do, so a client omitting them is not reported.
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateObjectMetaUpdate(JsonObject newMeta, JsonObject oldMeta)
    {
        ArgumentNullException.ThrowIfNull(newMeta);
        ArgumentNullException.ThrowIfNull(oldMeta);
        var errs = new List<FieldError>();

        if (oldMeta["deletionTimestamp"] is not null)
        {
            var oldFinalizers = StringList(oldMeta["finalizers"] as JsonArray).ToHashSet(StringComparer.Ordinal);
            var extra = StringList(newMeta["finalizers"] as JsonArray)
                .Where(f => !oldFinalizers.Contains(f))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList();
            if (extra.Count != 0)
            {
                errs.Add(FieldError.Forbidden("metadata.finalizers",
                    "no new finalizers can be added if the object is being deleted, found new finalizers []string{" +
                    string.Join(", ", extra.Select(GoQuote)) + "}"));
            }
        }

        var resourceVersion = GetString(newMeta, "resourceVersion");
        if (resourceVersion.Length == 0)
        {
            errs.Add(FieldError.Invalid("metadata.resourceVersion", resourceVersion, "must be specified for an update"));
        }

        var newGeneration = GetInt64(newMeta, "generation");
        if (newGeneration < GetInt64(oldMeta, "generation"))
        {
            errs.Add(FieldError.Invalid("metadata.generation", newGeneration, "must not be decremented"));
        }

        ValidateImmutableString(newMeta, oldMeta, "name", errs);
        ValidateImmutableString(newMeta, oldMeta, "namespace", errs);
        ValidateImmutableString(newMeta, oldMeta, "uid", errs);
        ValidateImmutableTime(newMeta, oldMeta, "creationTimestamp", errs);
        ValidateImmutableTime(newMeta, oldMeta, "deletionTimestamp", errs);
        var newGrace = newMeta["deletionGracePeriodSeconds"];
        var oldGrace = oldMeta["deletionGracePeriodSeconds"];
        if (!JsonNode.DeepEquals(newGrace, oldGrace))
        {
            errs.Add(FieldError.Invalid("metadata.deletionGracePeriodSeconds", newGrace is null ? null : GetInt64(newMeta, "deletionGracePeriodSeconds"), FieldImmutableErrorMsg));
        }

        errs.AddRange(ValidateLabels(newMeta["labels"] as JsonObject, "metadata.labels"));
        errs.AddRange(ValidateAnnotations(newMeta["annotations"] as JsonObject, "metadata.annotations"));
        errs.AddRange(ValidateOwnerReferences(newMeta["ownerReferences"] as JsonArray, "metadata.ownerReferences"));
        errs.AddRange(ValidateManagedFields(newMeta["managedFields"] as JsonArray, "metadata.managedFields"));
        return errs;
    }

    /// <summary>v1validation.ValidateLabels: each key a qualified name, each value a label value; errors at the map's path.</summary>
    public static IReadOnlyList<FieldError> ValidateLabels(JsonObject? labels, string path)
    {
        var errs = new List<FieldError>();
        if (labels is null)
        {
            return errs;
        }

        foreach (var (key, node) in labels)
        {
            foreach (var msg in NameValidation.IsQualifiedName(key))
            {
                errs.Add(FieldError.Invalid(path, key, msg));
            }

            var value = AsString(node);
            foreach (var msg in NameValidation.IsValidLabelValue(value))
            {
                errs.Add(FieldError.Invalid(path, value, msg));
            }
        }

        return errs;
    }

    /// <summary>
    /// ValidateAnnotations: keys are qualified names once lower-cased; keys plus values at most 256 KiB in total.
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateAnnotations(JsonObject? annotations, string path)
    {
        var errs = new List<FieldError>();
        if (annotations is null)
        {
            return errs;
        }

        long totalSize = 0;
        foreach (var (key, node) in annotations)
        {
            foreach (var msg in NameValidation.IsQualifiedName(key.ToLowerInvariant()))
            {
                errs.Add(FieldError.Invalid(path, key, msg));
            }

            totalSize += NameValidation.ByteLength(key) + NameValidation.ByteLength(AsString(node));
        }

        if (totalSize > TotalAnnotationSizeLimitB)
        {
            errs.Add(FieldError.TooLong(path, "", TotalAnnotationSizeLimitB));
        }

        return errs;
    }

    /// <summary>
    /// ValidateOwnerReferences: apiVersion has a version, kind/name/uid set, v1 Event is no owner, at most one
    /// controller. As upstream, the paths are not indexed ("metadata.ownerReferences.uid").
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateOwnerReferences(JsonArray? ownerReferences, string path)
    {
        var errs = new List<FieldError>();
        if (ownerReferences is null)
        {
            return errs;
        }

        var firstControllerName = "";
        foreach (var node in ownerReferences)
        {
            var reference = node as JsonObject ?? [];
            var apiVersion = GetString(reference, "apiVersion");
            var kind = GetString(reference, "kind");
            var name = GetString(reference, "name");
            var uid = GetString(reference, "uid");
            var (group, version) = ParseGroupVersion(apiVersion);
            if (version.Length == 0)
            {
                errs.Add(FieldError.Invalid(path + ".apiVersion", apiVersion, "version must not be empty"));
            }

            if (kind.Length == 0)
            {
                errs.Add(FieldError.Invalid(path + ".kind", kind, "must not be empty"));
            }

            if (name.Length == 0)
            {
                errs.Add(FieldError.Invalid(path + ".name", name, "must not be empty"));
            }

            if (uid.Length == 0)
            {
                errs.Add(FieldError.Invalid(path + ".uid", uid, "must not be empty"));
            }

            if (group.Length == 0 && version == "v1" && kind == "Event")
            {
                errs.Add(FieldError.Invalid(path, reference, "/v1, Kind=Event is disallowed from being an owner"));
            }

            if (reference["controller"] is JsonValue controller && controller.TryGetValue(out bool isController) && isController)
            {
                var current = kind + "/" + name;
                if (firstControllerName.Length != 0)
                {
                    errs.Add(FieldError.Invalid(path, ownerReferences,
                        $"Only one reference can have Controller set to true. Found \"true\" in references for {firstControllerName} and {current}"));
                }
                else
                {
                    firstControllerName = current;
                }
            }
        }

        return errs;
    }

    /// <summary>ValidateFinalizers: each a qualified name; "orphan" and "foregroundDeletion" not both.</summary>
    public static IReadOnlyList<FieldError> ValidateFinalizers(JsonArray? finalizers, string path)
    {
        var errs = new List<FieldError>();
        if (finalizers is null)
        {
            return errs;
        }

        var hasOrphan = false;
        var hasDelete = false;
        foreach (var finalizer in StringList(finalizers))
        {
            foreach (var msg in NameValidation.IsQualifiedName(finalizer))
            {
                errs.Add(FieldError.Invalid(path, finalizer, msg));
            }

            hasOrphan |= finalizer == FinalizerOrphanDependents;
            hasDelete |= finalizer == FinalizerDeleteDependents;
        }

        if (hasOrphan && hasDelete)
        {
            errs.Add(FieldError.Invalid(path, finalizers,
                $"finalizer {FinalizerOrphanDependents} and {FinalizerDeleteDependents} cannot be both set"));
        }

        return errs;
    }

    /// <summary>v1validation.ValidateManagedFields: operation Apply/Update, fieldsType FieldsV1, length limits.</summary>
    public static IReadOnlyList<FieldError> ValidateManagedFields(JsonArray? managedFields, string path)
    {
        var errs = new List<FieldError>();
        if (managedFields is null)
        {
            return errs;
        }

        for (var i = 0; i < managedFields.Count; i++)
        {
            var entry = managedFields[i] as JsonObject ?? [];
            var entryPath = path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            var operation = GetString(entry, "operation");
            if (operation is not ("Apply" or "Update"))
            {
                errs.Add(FieldError.Invalid(entryPath + ".operation", operation, "must be `Apply` or `Update`"));
            }

            var fieldsType = GetString(entry, "fieldsType");
            if (fieldsType.Length > 0 && fieldsType != "FieldsV1")
            {
                errs.Add(FieldError.Invalid(entryPath + ".fieldsType", fieldsType, "must be `FieldsV1`"));
            }

            var manager = GetString(entry, FieldManagerPath);
            if (NameValidation.ByteLength(manager) > FieldManagerMaxLength)
            {
                errs.Add(FieldError.TooLong(entryPath + "." + FieldManagerPath, "", FieldManagerMaxLength));
            }

            if (NameValidation.ByteLength(GetString(entry, "subresource")) > MaxSubresourceNameLength)
            {
                errs.Add(FieldError.TooLong(entryPath + ".subresource", "", MaxSubresourceNameLength));
            }
        }

        return errs;
    }

    private static void ValidateImmutableString(JsonObject newMeta, JsonObject oldMeta, string field, List<FieldError> errs)
    {
        if (SameParsedString(newMeta, oldMeta, field))
        {
            return;
        }

        var newValue = GetString(newMeta, field);
        if (!string.Equals(newValue, GetString(oldMeta, field), StringComparison.Ordinal))
        {
            errs.Add(FieldError.Invalid("metadata." + field, newValue, FieldImmutableErrorMsg));
        }
    }

    // metav1.Time compares at second precision in UTC (its JSON form); null and absent are the zero time.
    private static void ValidateImmutableTime(JsonObject newMeta, JsonObject oldMeta, string field, List<FieldError> errs)
    {
        if (SameParsedString(newMeta, oldMeta, field))
        {
            return;
        }

        var newText = GetString(newMeta, field);
        var oldText = GetString(oldMeta, field);
        if (SameTime(newText, oldText))
        {
            return;
        }

        errs.Add(FieldError.Invalid("metadata." + field, newText.Length == 0 ? null : newText, FieldImmutableErrorMsg));
    }

    /// <summary>
    /// Whether both have <paramref name="field"/> as the same parsed JSON string (an update's are mostly the stored
    /// object's): equal without decoding either into a string. False says nothing; the caller compares as before.
    /// </summary>
    private static bool SameParsedString(JsonObject newMeta, JsonObject oldMeta, string field) =>
        newMeta[field] is JsonValue n && oldMeta[field] is JsonValue o
        && n.TryGetValue(out JsonElement x) && o.TryGetValue(out JsonElement y)
        && x.ValueKind == JsonValueKind.String && y.ValueKind == JsonValueKind.String && JsonElement.DeepEquals(x, y);

    private static bool SameTime(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.Ordinal))
        {
            return true;
        }

        const DateTimeStyles styles = DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal;
        return DateTimeOffset.TryParse(a, CultureInfo.InvariantCulture, styles, out var x)
            && DateTimeOffset.TryParse(b, CultureInfo.InvariantCulture, styles, out var y)
            && x.ToUnixTimeSeconds() == y.ToUnixTimeSeconds();
    }

    // schema.ParseGroupVersion: "" and "v1" are legacy-group versions, "g/v" splits once, anything else has no version.
    private static (string Group, string Version) ParseGroupVersion(string apiVersion)
    {
        if (apiVersion.Length == 0 || apiVersion == "/")
        {
            return ("", "");
        }

        var parts = apiVersion.Split('/');
        return parts.Length switch
        {
            1 => ("", parts[0]),
            2 => (parts[0], parts[1]),
            _ => ("", ""),
        };
    }

    private static string GetString(JsonObject obj, string property) => AsString(obj[property]);

    private static string AsString(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => node.ToJsonString(),
    };

    private static long GetInt64(JsonObject obj, string property) => obj[property] switch
    {
        JsonValue v when v.TryGetValue(out long n) => n,
        JsonValue v when v.TryGetValue(out int i) => i,
        _ => 0,
    };

    private static IEnumerable<string> StringList(JsonArray? array) => array?.Select(AsString) ?? [];

    // Go's %q for the strings listed in a %#v []string.
    private static string GoQuote(string s) => Api.Selectors.LabelSelector.GoQuote(s);
}
