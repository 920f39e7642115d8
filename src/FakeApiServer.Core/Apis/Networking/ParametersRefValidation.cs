using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Apis.Networking;

/// <summary>The checks of spec.parametersRefs shared by PodNetwork and PodNetworkAttachment, and their comparison for immutability.</summary>
internal static class ParametersRefValidation
{
    /// <summary>Each entry names a non-empty group, kind and name; a namespace, when set, is a DNS-1123 label.</summary>
    public static void Validate(JsonNode? refs, string path, List<FieldError> errors)
    {
        if (refs is null)
        {
            return;
        }

        if (refs is not JsonArray array)
        {
            errors.Add(FieldError.Invalid(path, refs, "must be a list"));
            return;
        }

        for (var i = 0; i < array.Count; i++)
        {
            var entry = FormattableString.Invariant($"{path}[{i}]");
            if (array[i] is not JsonObject item)
            {
                errors.Add(FieldError.Required(entry));
                continue;
            }

            foreach (var field in new[] { "group", "kind", "name" })
            {
                if (string.IsNullOrEmpty(item.GetString(field)))
                {
                    errors.Add(FieldError.Required(entry + "." + field));
                }
            }

            if (item.GetString("namespace") is { Length: > 0 } ns)
            {
                foreach (var message in NameValidation.IsDns1123Label(ns))
                {
                    errors.Add(FieldError.Invalid(entry + ".namespace", ns, message));
                }
            }
        }
    }

    /// <summary>
    /// Whether two parametersRefs lists are semantically equal, as upstream's apiequality: an absent and an empty list
    /// are equal, and so are an absent and an empty string field.
    /// </summary>
    public static bool Equal(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(Normalize(a), Normalize(b));

    private static JsonArray Normalize(JsonNode? refs)
    {
        var result = new JsonArray();
        if (refs is not JsonArray array)
        {
            return result;
        }

        foreach (var item in array)
        {
            if (item is JsonObject entry)
            {
                var copy = new JsonObject();
                foreach (var (key, value) in entry.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (value is not null && !(value is JsonValue v && v.TryGetValue(out string? s) && s.Length == 0))
                    {
                        copy[key] = value.DeepClone();
                    }
                }

                result.Add(copy);
            }
            else
            {
                result.Add(item?.DeepClone());
            }
        }

        return result;
    }
}
