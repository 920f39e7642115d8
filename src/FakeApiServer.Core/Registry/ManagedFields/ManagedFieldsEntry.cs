using System.Text.Json.Nodes;

namespace FakeApiServer.Registry.ManagedFields;

/// <summary>The operations a managedFields entry records.</summary>
internal static class ManagedOperations
{
    public const string Apply = "Apply";

    public const string Update = "Update";
}

/// <summary>
/// Who manages a set of fields: upstream's manager identifier, the entry without time and fields. An Apply
/// identifier has no apiVersion, so an applier keeps one entry across versions; an Update identifier has one.
/// </summary>
internal readonly record struct ManagerId(string Manager, string Operation, string ApiVersion, string Subresource)
{
    public static ManagerId Applier(string manager, string subresource) => new(manager, ManagedOperations.Apply, "", subresource);

    public static ManagerId Updater(string manager, string apiVersion, string subresource) => new(manager, ManagedOperations.Update, apiVersion, subresource);

    /// <summary>
    /// How conflict messages name the manager (upstream's printManager): <c>"kubectl"</c>,
    /// <c>"kubectl-client-side-apply" using apps/v1</c>, <c>"x" with subresource "status" using v1</c>.
    /// </summary>
    public override string ToString()
    {
        var text = System.Text.Json.JsonSerializer.Serialize(Manager);
        if (Subresource.Length > 0)
        {
            text += " with subresource " + System.Text.Json.JsonSerializer.Serialize(Subresource);
        }

        return Operation == ManagedOperations.Update ? text + " using " + ApiVersion : text;
    }
}

/// <summary>One decoded metadata.managedFields entry: its identity, the apiVersion its fields refer to, its time and fields.</summary>
internal sealed record ManagedFieldsEntry(ManagerId Id, string ApiVersion, string? Time, FieldSet Fields)
{
    /// <summary>
    /// Decodes metadata.managedFields; false when it is not a list of entries with valid FieldsV1 (kube-apiserver
    /// then keeps the stored ones). Missing strings decode as empty, so <c>[{}]</c> is one empty entry: the way
    /// upstream documents to clear managedFields, since an empty set is dropped. FieldsV1 go through <paramref name="cache"/> when given.
    /// </summary>
    public static bool TryDecode(JsonNode? node, out List<ManagedFieldsEntry> entries, FieldsV1Cache? cache = null)
    {
        entries = [];
        if (node is null)
        {
            return true;
        }

        if (node is not JsonArray list)
        {
            return false;
        }

        foreach (var item in list)
        {
            if (item is not JsonObject entry)
            {
                return false;
            }

            FieldSet fields;
            try
            {
                fields = cache is null ? FieldSet.FromFieldsV1(entry["fieldsV1"]) : cache.Decode(entry["fieldsV1"]);
            }
            catch (FormatException)
            {
                return false;
            }

            var operation = entry.GetString("operation") ?? "";
            var apiVersion = entry.GetString("apiVersion") ?? "";
            var id = new ManagerId(entry.GetString("manager") ?? "", operation, operation == ManagedOperations.Apply ? "" : apiVersion,
                entry.GetString("subresource") ?? "");
            entries.Add(new ManagedFieldsEntry(id, apiVersion, entry.GetString("time"), fields));
        }

        return true;
    }

    /// <summary>
    /// Encodes entries as kube-apiserver writes them: empty sets dropped, sorted by operation (Apply first), time,
    /// manager, apiVersion and subresource; each with manager, operation, apiVersion, time, fieldsType, fieldsV1,
    /// subresource in that order, empty strings left out. Null when nothing is left, so the field goes away.
    /// FieldsV1 go through <paramref name="cache"/> when given.
    /// </summary>
    public static JsonArray? Encode(IEnumerable<ManagedFieldsEntry> entries, FieldsV1Cache? cache = null)
    {
        // A stable sort (ties keep their order, as OrderBy/ThenBy did), each entry's seconds read once.
        var kept = new List<(ManagedFieldsEntry Entry, long Seconds, int Order)>();
        foreach (var e in entries)
        {
            if (!e.Fields.IsEmpty)
            {
                kept.Add((e, Seconds(e.Time), kept.Count));
            }
        }

        if (kept.Count == 0)
        {
            return null;
        }

        kept.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Entry.Id.Operation, b.Entry.Id.Operation);
            if (c == 0)
            {
                c = a.Seconds.CompareTo(b.Seconds);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(a.Entry.Id.Manager, b.Entry.Id.Manager);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(a.Entry.ApiVersion, b.Entry.ApiVersion);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(a.Entry.Id.Subresource, b.Entry.Id.Subresource);
            }

            return c != 0 ? c : a.Order.CompareTo(b.Order);
        });
        var sorted = kept.ConvertAll(k => k.Entry);

        var result = new JsonArray();
        foreach (var entry in sorted)
        {
            var obj = new JsonObject();
            Add(obj, "manager", entry.Id.Manager);
            Add(obj, "operation", entry.Id.Operation);
            Add(obj, "apiVersion", entry.ApiVersion);
            Add(obj, "time", entry.Time);
            obj["fieldsType"] = "FieldsV1";
            obj["fieldsV1"] = cache is null ? entry.Fields.ToFieldsV1() : cache.Encode(entry.Fields);
            Add(obj, "subresource", entry.Id.Subresource);
            result.Add(obj);
        }

        return result;
    }

    /// <summary>Upstream sorts by whole seconds, an entry without (or with an unreadable) time first.</summary>
    private static long Seconds(string? time) =>
        DateTimeOffset.TryParse(time, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToUnixTimeSeconds() : 0;

    private static void Add(JsonObject obj, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            obj[name] = value;
        }
    }
}
