using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Api.Tables;

/// <summary>
/// Helpers shared by the table printers: reading fields of an object as served, and the formatting
/// kube-apiserver's printers use (duration.HumanDuration, labels.FormatLabels,
/// metav1.FormatLabelSelector, "&lt;none&gt;" placeholders). All members are pure.
/// </summary>
internal static class TableCells
{
    /// <summary>Printed for an empty value, as upstream.</summary>
    public const string None = "<none>";

    /// <summary>Printed for a missing timestamp, as translateTimestampSince.</summary>
    public const string Unknown = "<unknown>";

    /// <summary>metav1.ObjectMeta{}.SwaggerDoc()["name"].</summary>
    public const string NameDescription =
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    /// <summary>metav1.ObjectMeta{}.SwaggerDoc()["creationTimestamp"].</summary>
    public const string CreationTimestampDescription =
        "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    /// <summary>Description upstream gives every "Containers" column.</summary>
    public const string ContainersDescription = "Names of each container in the template.";

    /// <summary>Description upstream gives every "Images" column.</summary>
    public const string ImagesDescription = "Images referenced by each container in the template.";

    /// <summary>The "Name" column every built-in printer starts with.</summary>
    public static readonly TableColumn NameColumn = new("Name", "string", "name", NameDescription);

    /// <summary>The "Age" column of the built-in printers (a server-computed string).</summary>
    public static readonly TableColumn AgeColumn = new("Age", "string", "", CreationTimestampDescription);

    /// <summary>metadata.name, or "" when absent.</summary>
    public static string Name(JsonObject obj) => GetString(obj, "metadata", "name") ?? "";

    /// <summary>The age of the object from metadata.creationTimestamp, or "&lt;unknown&gt;" without one.</summary>
    public static string Age(JsonObject obj, DateTimeOffset now) => Since(Get(obj, "metadata", "creationTimestamp"), now);

    /// <summary>
    /// translateTimestampSince: the human duration from <paramref name="timestamp"/> (an RFC 3339
    /// string node) to <paramref name="now"/>; "&lt;unknown&gt;" when it is missing or unreadable.
    /// </summary>
    public static string Since(JsonNode? timestamp, DateTimeOffset now)
    {
        var time = Timestamp(timestamp);
        return time is null ? Unknown : HumanDuration(now - time.Value);
    }

    /// <summary>Parses an RFC 3339 timestamp node; null when missing, empty or unreadable.</summary>
    public static DateTimeOffset? Timestamp(JsonNode? node)
    {
        var text = AsString(node);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;
    }

    /// <summary>
    /// duration.HumanDuration: a succinct duration with 2-3 significant figures ("45s", "5m", "2m30s",
    /// "7h15m", "2d3h", "3y20d"). Up to one second into the future reads "0s"; more is "&lt;invalid&gt;".
    /// </summary>
    public static string HumanDuration(TimeSpan d)
    {
        // Go truncates toward zero at each step, as C# integer division does.
        var seconds = d.Ticks / TimeSpan.TicksPerSecond;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return Invariant($"{seconds}s");
        }

        var minutes = d.Ticks / TimeSpan.TicksPerMinute;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? Invariant($"{minutes}m") : Invariant($"{minutes}m{s}s");
        }

        if (minutes < 60 * 3)
        {
            return Invariant($"{minutes}m");
        }

        var hours = d.Ticks / TimeSpan.TicksPerHour;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? Invariant($"{hours}h") : Invariant($"{hours}h{m}m");
        }

        if (hours < 48)
        {
            return Invariant($"{hours}h");
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? Invariant($"{hours / 24}d") : Invariant($"{hours / 24}d{h}h");
        }

        if (hours < 24 * 365 * 2)
        {
            return Invariant($"{hours / 24}d");
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? Invariant($"{hours / 24 / 365}y") : Invariant($"{hours / 24 / 365}y{dy}d");
        }

        return Invariant($"{hours / 24 / 365}y");
    }

    /// <summary>The node at <paramref name="path"/> (object property names), or null where any step is missing.</summary>
    public static JsonNode? Get(JsonNode? node, params ReadOnlySpan<string> path)
    {
        foreach (var key in path)
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(key, out node))
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>The string at <paramref name="path"/>, or null when missing or not a string.</summary>
    public static string? GetString(JsonNode? node, params ReadOnlySpan<string> path) => AsString(Get(node, path));

    /// <summary>The integer at <paramref name="path"/>, or null when missing or not a number.</summary>
    public static long? GetInt64(JsonNode? node, params ReadOnlySpan<string> path)
    {
        if (Get(node, path) is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (value.TryGetValue<int>(out var i))
        {
            return i;
        }

        return value.TryGetValue<double>(out var d) ? (long)d : null;
    }

    /// <summary>True when the node at <paramref name="path"/> is the JSON literal true.</summary>
    public static bool IsTrue(JsonNode? node, params ReadOnlySpan<string> path) =>
        Get(node, path) is JsonValue value && value.GetValueKind() == JsonValueKind.True;

    /// <summary>The objects of the array at <paramref name="path"/>; empty when missing (non-objects are skipped).</summary>
    public static IReadOnlyList<JsonObject> Objects(JsonNode? node, params ReadOnlySpan<string> path) =>
        Get(node, path) is JsonArray array ? [.. array.OfType<JsonObject>()] : [];

    /// <summary>The strings of the array at <paramref name="path"/>; empty when missing (non-strings are skipped).</summary>
    public static IReadOnlyList<string> Strings(JsonNode? node, params ReadOnlySpan<string> path)
    {
        if (Get(node, path) is not JsonArray array)
        {
            return [];
        }

        var result = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (AsString(item) is { } s)
            {
                result.Add(s);
            }
        }

        return result;
    }

    /// <summary>The number of entries of the object or array at <paramref name="path"/> (len() of a map or slice).</summary>
    public static int Count(JsonNode? node, params ReadOnlySpan<string> path) => Get(node, path) switch
    {
        JsonObject obj => obj.Count,
        JsonArray array => array.Count,
        _ => 0,
    };

    /// <summary>The string properties of the object at <paramref name="path"/> (a map[string]string).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> StringMap(JsonNode? node, params ReadOnlySpan<string> path)
    {
        if (Get(node, path) is not JsonObject obj)
        {
            return [];
        }

        var result = new List<KeyValuePair<string, string>>(obj.Count);
        foreach (var (key, value) in obj)
        {
            result.Add(new(key, AsString(value) ?? ""));
        }

        return result;
    }

    /// <summary><paramref name="value"/>, or "&lt;none&gt;" when it is null or empty.</summary>
    public static string OrNone(string? value) => string.IsNullOrEmpty(value) ? None : value;

    /// <summary>Joins with "," (Go's strings.Join(list, ",")).</summary>
    public static string Join(IEnumerable<string> values) => string.Join(',', values);

    /// <summary>
    /// labels.FormatLabels: "k1=v1,k2=v2" sorted by key, or "&lt;none&gt;" for an empty or missing map.
    /// </summary>
    public static string FormatLabels(JsonNode? labels)
    {
        var pairs = StringMap(labels);
        if (pairs.Count == 0)
        {
            return None;
        }

        return Join(pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
    }

    /// <summary>
    /// metav1.FormatLabelSelector: the selector's string form, "&lt;none&gt;" when it selects
    /// everything or nothing, "&lt;error&gt;" when it is invalid.
    /// </summary>
    public static string FormatLabelSelector(JsonNode? selector)
    {
        var text = LabelSelectorString(selector);
        if (text is null)
        {
            return "<error>";
        }

        return text.Length == 0 ? None : text;
    }

    /// <summary>
    /// metav1.LabelSelectorAsSelector(selector).String(): requirements sorted by key, joined with ",",
    /// e.g. "app=web,tier in (a,b),!legacy". A missing or empty selector gives "" (labels.Nothing and
    /// labels.Everything both print empty); an unknown operator or a value count that does not fit the
    /// operator gives null (the conversion error).
    /// </summary>
    public static string? LabelSelectorString(JsonNode? selector)
    {
        if (selector is not JsonObject)
        {
            return "";
        }

        var requirements = new List<(string Key, string Text)>();
        foreach (var (key, value) in StringMap(selector, "matchLabels"))
        {
            requirements.Add((key, key + "=" + value));
        }

        foreach (var expression in Objects(selector, "matchExpressions"))
        {
            var key = GetString(expression, "key") ?? "";
            var values = Strings(expression, "values");
            string text;
            switch (GetString(expression, "operator"))
            {
                case "In" when values.Count > 0:
                    text = key + " in (" + Join(values.Order(StringComparer.Ordinal)) + ")";
                    break;
                case "NotIn" when values.Count > 0:
                    text = key + " notin (" + Join(values.Order(StringComparer.Ordinal)) + ")";
                    break;
                case "Exists" when values.Count == 0:
                    text = key;
                    break;
                case "DoesNotExist" when values.Count == 0:
                    text = "!" + key;
                    break;
                default:
                    return null;
            }

            requirements.Add((key, text));
        }

        return Join(requirements.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Text));
    }

    /// <summary>
    /// layoutContainerCells: the names and the images of <paramref name="containers"/> (a JSON array of
    /// containers), each joined with ",".
    /// </summary>
    public static (string Names, string Images) ContainerCells(JsonNode? containers)
    {
        var list = Objects(containers);
        return (Join(list.Select(c => GetString(c, "name") ?? "")), Join(list.Select(c => GetString(c, "image") ?? "")));
    }

    /// <summary>
    /// listWithMoreString: the first entries joined with ",", then " + N more..." when
    /// <paramref name="more"/>; "&lt;unset&gt;" for an empty list.
    /// </summary>
    public static string ListWithMore(IReadOnlyList<string> list, bool more, int count, int max)
    {
        var joined = Join(list);
        if (more)
        {
            return Invariant($"{joined} + {count - max} more...");
        }

        return joined.Length == 0 ? "<unset>" : joined;
    }

    /// <summary>Formats with the invariant culture.</summary>
    public static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
