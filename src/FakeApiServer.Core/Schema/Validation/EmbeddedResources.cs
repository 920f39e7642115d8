using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Schema.Validation;

/// <summary>
/// apiVersion, kind and metadata of x-kubernetes-embedded-resource values, as apiextensions-apiserver's objectmeta
/// validation: apiVersion and kind are required, kind is a mixed-case DNS-1035 label, and metadata passes
/// ValidateObjectMeta with path-segment names (a missing name is allowed).
/// </summary>
internal static class EmbeddedResources
{
    public static IReadOnlyList<FieldError> Validate(JsonObject obj, CrdSchema schema)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(schema);
        var errors = new List<FieldError>();
        foreach (var (key, value) in obj)
        {
            if (schema.Property(key) is { } property)
            {
                Walk(value, property, key, errors);
            }
        }

        return errors;
    }

    private static void Walk(JsonNode? node, CrdSchema schema, string path, List<FieldError> errors)
    {
        switch (node)
        {
            case JsonObject o:
                if (schema.EmbeddedResource)
                {
                    ValidateResource(o, path, errors);
                }

                foreach (var (key, value) in o)
                {
                    if (schema.Property(key) is { } property)
                    {
                        Walk(value, property, path + "." + key, errors);
                    }
                    else if (schema.AdditionalProperties is { } values)
                    {
                        Walk(value, values, path + "[" + key + "]", errors);
                    }
                }

                break;
            case JsonArray a when schema.Items is { } items:
                for (var i = 0; i < a.Count; i++)
                {
                    Walk(a[i], items, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", errors);
                }

                break;
        }
    }

    private static void ValidateResource(JsonObject x, string path, List<FieldError> errors)
    {
        if (!x.ContainsKey("apiVersion"))
        {
            errors.Add(FieldError.Required(path + ".apiVersion"));
        }

        if (!x.ContainsKey("kind"))
        {
            errors.Add(FieldError.Required(path + ".kind"));
        }

        foreach (var (key, value) in x)
        {
            switch (key)
            {
                case "apiVersion":
                    if (value is not JsonValue av || !av.TryGetValue(out string? apiVersion))
                    {
                        errors.Add(FieldError.Invalid(path + ".apiVersion", value?.DeepClone(), "must be a string"));
                    }
                    else if (apiVersion.Length == 0)
                    {
                        errors.Add(FieldError.Invalid(path + ".apiVersion", apiVersion, "must not be empty"));
                    }
                    else if (apiVersion.Count(c => c == '/') > 1)
                    {
                        errors.Add(FieldError.Invalid(path + ".apiVersion", apiVersion, "unexpected GroupVersion string: " + apiVersion));
                    }

                    break;
                case "kind":
                    if (value is not JsonValue kv || !kv.TryGetValue(out string? kind))
                    {
                        errors.Add(FieldError.Invalid(path + ".kind", value?.DeepClone(), "must be a string"));
                    }
                    else if (kind.Length == 0)
                    {
                        errors.Add(FieldError.Invalid(path + ".kind", kind, "must not be empty"));
                    }
                    else if (NameValidation.IsDns1035Label(kind.ToLowerInvariant()) is { Count: > 0 } msgs)
                    {
                        errors.Add(FieldError.Invalid(path + ".kind", kind, "may have mixed case, but should otherwise match: " + string.Join(",", msgs)));
                    }

                    break;
                case "metadata":
                    if (value is not JsonObject meta)
                    {
                        errors.Add(FieldError.Invalid(path + ".metadata", value?.DeepClone(), "must be an object"));
                        break;
                    }

                    var copy = (JsonObject)meta.DeepClone();
                    if (copy["name"] is not JsonValue n || !n.TryGetValue(out string? name) || name.Length == 0)
                    {
                        copy["name"] = "fakename";
                    }

                    var namespaced = copy["namespace"] is JsonValue ns && ns.TryGetValue(out string? nsName) && nsName.Length > 0;
                    foreach (var e in ObjectMetaValidation.ValidateObjectMeta(copy, namespaced, NameValidation.IsValidPathSegmentName))
                    {
                        errors.Add(e with { Field = path + "." + e.Field });
                    }

                    break;
            }
        }
    }
}
