using System.Text.Json.Nodes;

namespace FakeApiServer.Schema.Validation;

/// <summary>
/// Defaulting of custom resources from the schema's <c>default</c> values, as apiextensions-apiserver's structural
/// defaulting: kube-apiserver applies it when it decodes a request body (create, update, patch) and when it reads a
/// stored object, after pruning. An absent property gets its default; so does a null where the schema is not
/// nullable (a null item or map value too); defaults are copied, then defaulted themselves. Nulls that are not
/// nullable and have no default are dropped (PruneNonNullableNullsWithoutDefaults), so they are not type errors.
/// </summary>
internal static class Defaulter
{
    /// <summary>Applies the defaults in place; returns whether anything changed.</summary>
    public static bool Apply(JsonObject obj, CrdSchema schema)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(schema);
        var before = obj.ToJsonString();
        PruneNulls(obj, schema);
        Default(obj, schema);
        return before != obj.ToJsonString();
    }

    private static bool HasDefault(CrdSchema s) => s.HasDefault && s.Default is not null;

    private static void Default(JsonNode? node, CrdSchema schema)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, property) in schema.Properties)
                {
                    if (HasDefault(property) && (!o.TryGetPropertyValue(name, out var v) || (v is null && !property.Nullable)))
                    {
                        o[name] = property.Default!.DeepClone();
                    }
                }

                foreach (var (key, value) in o.ToList())
                {
                    if (schema.Property(key) is { } property)
                    {
                        Default(value, property);
                    }
                    else if (schema.AdditionalProperties is { } values)
                    {
                        if (value is null && !values.Nullable && HasDefault(values))
                        {
                            o[key] = values.Default!.DeepClone();
                        }

                        Default(o[key], values);
                    }
                }

                break;
            case JsonArray a when schema.Items is { } items:
                for (var i = 0; i < a.Count; i++)
                {
                    if (a[i] is null && !items.Nullable && HasDefault(items))
                    {
                        a[i] = items.Default!.DeepClone();
                    }

                    Default(a[i], items);
                }

                break;
        }
    }

    private static void PruneNulls(JsonNode? node, CrdSchema schema)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (schema.Property(key) is { } property)
                    {
                        if (value is null && !HasDefault(property) && !property.Nullable)
                        {
                            o.Remove(key);
                        }
                        else
                        {
                            PruneNulls(value, property);
                        }
                    }
                    else if (schema.AdditionalProperties is { } values)
                    {
                        PruneNulls(value, values);
                    }
                }

                break;
            case JsonArray a when schema.Items is { } items:
                foreach (var item in a)
                {
                    PruneNulls(item, items);
                }

                break;
        }
    }
}
