using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Registry;

/// <summary>How Go prints a decoded JSON value, for upstream's messages and annotations that carry one.</summary>
internal static class GoJson
{
    /// <summary>json.Marshal of a map[string]interface{}: compact, keys in ordinal order, &lt; &gt; &amp; U+2028 U+2029 escaped.</summary>
    public static string Marshal(JsonNode? node)
    {
        var json = Encoding.UTF8.GetString(ObjectJson.Serialize(Sorted(node)!));
        return json.Replace("<", "\\u003c", StringComparison.Ordinal)
            .Replace(">", "\\u003e", StringComparison.Ordinal)
            .Replace("&", "\\u0026", StringComparison.Ordinal)
            .Replace("\u2028", "\\u2028", StringComparison.Ordinal)
            .Replace("\u2029", "\\u2029", StringComparison.Ordinal);
    }

    /// <summary>fmt's %+v of a decoded value: map[a:1 b:[x y]], keys sorted, strings bare, nil as &lt;nil&gt;.</summary>
    public static string Format(JsonNode? node)
    {
        var text = new StringBuilder();
        Format(node, text);
        return text.ToString();
    }

    /// <summary>fmt's %s of a decoded value: a string as it is, other scalars as %!s(int64=5), %!s(bool=true), %!s(&lt;nil&gt;).</summary>
    public static string FormatString(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "%!s(<nil>)",
        JsonValueKind.String => node.GetValue<string>(),
        JsonValueKind.Number => long.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            ? $"%!s(int64={Format(node)})"
            : $"%!s(float64={Format(node)})",
        JsonValueKind.True or JsonValueKind.False => $"%!s(bool={Format(node)})",
        _ => Format(node),
    };

    /// <summary>A copy with object keys in ordinal order, as Go marshals map[string]interface{}.</summary>
    public static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new KeyValuePair<string, JsonNode?>(p.Key, Sorted(p.Value)))),
        JsonArray list => new JsonArray(list.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };

    private static void Format(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case null:
                text.Append("<nil>");
                break;
            case JsonObject obj:
                text.Append("map[");
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(first ? "" : " ").Append(key).Append(':');
                    Format(value, text);
                    first = false;
                }

                text.Append(']');
                break;
            case JsonArray list:
                text.Append('[');
                for (var i = 0; i < list.Count; i++)
                {
                    text.Append(i == 0 ? "" : " ");
                    Format(list[i], text);
                }

                text.Append(']');
                break;
            default:
                switch (node.GetValueKind())
                {
                    case JsonValueKind.String:
                        text.Append(node.GetValue<string>());
                        break;
                    case JsonValueKind.Number:
                        var raw = node.ToJsonString();
                        text.Append(long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                            ? l.ToString(CultureInfo.InvariantCulture)
                            : double.Parse(raw, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture).Replace("E+", "e+", StringComparison.Ordinal).Replace("E-", "e-", StringComparison.Ordinal));
                        break;
                    default:
                        text.Append(node.ToJsonString());
                        break;
                }

                break;
        }
    }
}
