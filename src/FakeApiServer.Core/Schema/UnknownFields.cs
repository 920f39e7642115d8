using System.Globalization;
using System.Text.Json.Nodes;

namespace FakeApiServer.Schema;

/// <summary>
/// Pruning against a structural schema, as kube-apiserver's decoder drops fields its types do not have: every field
/// the schema does not know is removed and its path reported ("spec.template.spec.containers[0].imagee"), so that
/// fieldValidation can reject (Strict), warn (Warn) or stay silent (Ignore).
/// </summary>
internal static class UnknownFields
{
    /// <summary>Removes the unknown fields of <paramref name="obj"/> in place and returns their paths, in document order.</summary>
    public static IReadOnlyList<string> Prune(JsonObject obj, StructuralSchema schema)
    {
        var found = new List<string>();
        Walk(obj, schema, "", found);
        return found;
    }

    private static void Walk(JsonNode? node, StructuralSchema schema, string path, List<string> found)
    {
        switch (node)
        {
            case JsonObject obj when schema.Properties.Count > 0:
                // By index, removing in place; a path is only made for a field that is reported or has fields below it.
                for (var i = 0; i < obj.Count; i++)
                {
                    var (key, value) = obj.GetAt(i);
                    if (schema.Property(key) is { } child)
                    {
                        if (value is JsonObject or JsonArray)
                        {
                            Walk(value, child, path.Length == 0 ? key : path + "." + key, found);
                        }
                    }
                    else if (!schema.PreserveUnknownFields && !(schema.EmbeddedResource && key is "apiVersion" or "kind" or "metadata"))
                    {
                        found.Add(path.Length == 0 ? key : path + "." + key);
                        obj.RemoveAt(i--);
                    }
                }

                break;
            case JsonObject map when schema.AdditionalProperties is { } values:
                for (var i = 0; i < map.Count; i++)
                {
                    var (key, value) = map.GetAt(i);
                    if (value is JsonObject or JsonArray)
                    {
                        Walk(value, values, path + "." + key, found);
                    }
                }

                break;
            case JsonArray list when schema.Items is { } items:
                for (var i = 0; i < list.Count; i++)
                {
                    Walk(list[i], items, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", found);
                }

                break;
        }
    }
}
