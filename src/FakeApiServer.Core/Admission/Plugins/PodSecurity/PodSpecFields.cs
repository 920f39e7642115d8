using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Admission.Plugins.PodSecurity;

/// <summary>
/// Reading a pod spec held as JSON the way the checks see a typed corev1.PodSpec (a missing member and an explicit
/// null are both nil), and the text helpers of upstream's messages.
/// </summary>
internal static class PodSpecFields
{
    /// <summary>Every container in the order upstream visits them: init containers, containers, ephemeral containers.</summary>
    public static IEnumerable<JsonObject> Containers(JsonObject spec) =>
        Items(spec, "initContainers").Concat(Items(spec, "containers")).Concat(Items(spec, "ephemeralContainers"));

    public static IEnumerable<JsonObject> Items(JsonObject? obj, string property) =>
        obj?[property] is JsonArray array ? array.OfType<JsonObject>() : [];

    public static IEnumerable<string> Strings(JsonObject? obj, string property) =>
        obj?[property] is JsonArray array ? array.Select(n => n is JsonValue v && v.TryGetValue(out string? s) ? s : "") : [];

    public static string Name(JsonObject container) => container.GetString("name") ?? "";

    public static JsonObject? Child(JsonObject? obj, string property) => obj?[property] as JsonObject;

    public static JsonObject? SecurityContext(JsonObject? obj) => Child(obj, "securityContext");

    public static bool? Bool(JsonObject? obj, string property) =>
        obj?[property] is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    public static long? Int(JsonObject? obj, string property) => obj is null ? null : ObjectMeta.AsInt64(obj[property]);

    public static string? Text(JsonObject? obj, string property) => obj?.GetString(property);

    /// <summary>spec.os.name is windows: pod validation keeps the Linux-only fields unset, so the restricted checks pass.</summary>
    public static bool IsWindows(JsonObject spec) => Text(Child(spec, "os"), "name") == "windows";

    /// <summary>The annotations of the pod (or template) metadata.</summary>
    public static Dictionary<string, string> Annotations(JsonObject? metadata) => ObjectMeta.StringMap(metadata?["annotations"]);

    /// <summary>Each item in double quotes, joined by ", " (upstream's joinQuote).</summary>
    public static string JoinQuote(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "" : "\"" + string.Join("\", \"", list) + "\"";
    }

    public static string Pluralize(string singular, string plural, int count) => count == 1 ? singular : plural;

    /// <summary>"container \"a\"" or "containers \"a\", \"b\"".</summary>
    public static string ContainersText(IReadOnlyCollection<string> names) =>
        Pluralize("container", "containers", names.Count) + " " + JoinQuote(names);

    /// <summary>A sorted set of strings, as sets.String.List() gives them.</summary>
    public static SortedSet<string> SortedSet() => new(StringComparer.Ordinal);
}
