using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace FakeApiServer.Load.Harness;

/// <summary>
/// Writes many ConfigMaps straight into a stopped server's SQLite log, in the server's own format, instead of through
/// the API (a million creates would take minutes; this takes seconds). The format is learnt from a template: one
/// ConfigMap the server created itself, whose row is copied with its name, uid and resourceVersion replaced, then
/// removed. Names and namespaces are fixed-width (<see cref="Name"/>, <see cref="Namespace"/>) and revisions start at
/// <see cref="RevisionBase"/>, so every row is the template with a few bytes overwritten at fixed offsets.
/// </summary>
internal static class StoreSeeder
{
    /// <summary>The first seeded revision is one above this; eight digits up to 89,999,999 objects.</summary>
    public const long RevisionBase = 10_000_000;

    /// <summary>The template's name: the placeholder width every seeded name has.</summary>
    public const string TemplateName = "cm-9999999";

    private const string UidPlaceholder = "UUUUUUUU-UUUU-UUUU-UUUU-UUUUUUUUUUUU";
    private const string RevisionPlaceholder = "RRRRRRRR";

    private static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Object <paramref name="index"/>'s name.</summary>
    public static string Name(int index) => "cm-" + index.ToString("D7", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The namespace of object <paramref name="index"/> when namespaces hold <paramref name="namespaceSize"/> each.</summary>
    public static string Namespace(int index, int namespaceSize) =>
        "scale-" + (index / namespaceSize).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Appends <paramref name="count"/> ConfigMaps to the log in <paramref name="databasePath"/> (the server stopped),
    /// modelled on the row of ConfigMap <see cref="TemplateName"/> in namespace <paramref name="templateNamespace"/>,
    /// which is removed. Returns the bytes of the stored values.
    /// </summary>
    public static long Seed(string databasePath, string templateNamespace, int count, int namespaceSize)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF;");
        var (templateKey, templateValue) = ReadTemplate(connection, "/" + templateNamespace + "/" + TemplateName);
        var keyPrefix = templateKey[..^(templateNamespace.Length + 1 + TemplateName.Length)];
        var template = Placeholders(templateValue, templateNamespace);
        var nameAt = Offset(template, TemplateName);
        var namespaceAt = Offset(template, templateNamespace);
        var uidAt = Offset(template, UidPlaceholder);
        var revisionAt = Offset(template, RevisionPlaceholder);

        long bytes = 0;
        using var transaction = connection.BeginTransaction();
        using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM log WHERE key = $key";
            delete.Parameters.AddWithValue("$key", templateKey);
            delete.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO log (revision, key, create_revision, prev_revision, deleted, value) VALUES ($revision, $key, $revision, 0, 0, $value)";
        var revision = insert.Parameters.Add("$revision", SqliteType.Integer);
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var value = insert.Parameters.Add("$value", SqliteType.Blob);
        for (var i = 0; i < count; i++)
        {
            var name = Name(i);
            var ns = Namespace(i, namespaceSize);
            var rv = RevisionBase + 1 + i;
            var row = (byte[])template.Clone();
            Encoding.ASCII.GetBytes(name, row.AsSpan(nameAt));
            Encoding.ASCII.GetBytes(ns, row.AsSpan(namespaceAt));
            Encoding.ASCII.GetBytes("00000000-0000-4000-8000-" + rv.ToString("D12", System.Globalization.CultureInfo.InvariantCulture), row.AsSpan(uidAt));
            Encoding.ASCII.GetBytes(rv.ToString("D8", System.Globalization.CultureInfo.InvariantCulture), row.AsSpan(revisionAt));
            revision.Value = rv;
            key.Value = keyPrefix + ns + "/" + name;
            value.Value = row;
            insert.ExecuteNonQuery();
            bytes += row.Length;
        }

        transaction.Commit();
        return bytes;
    }

    /// <summary>The ceiling of a restart: every row of the log read with one sequential SELECT; returns the rows read.</summary>
    public static long ReadAllRows(string databasePath)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT revision, key, create_revision, prev_revision, deleted, value FROM log ORDER BY revision";
        using var reader = select.ExecuteReader();
        long rows = 0;
        while (reader.Read())
        {
            _ = reader.GetInt64(0);
            _ = reader.GetString(1);
            _ = reader.GetInt64(2);
            _ = reader.GetInt64(3);
            _ = reader.GetInt64(4);
            _ = (byte[])reader.GetValue(5);
            rows++;
        }

        return rows;
    }

    private static (string Key, byte[] Value) ReadTemplate(SqliteConnection connection, string keySuffix)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT key, value FROM log WHERE key LIKE '%' || $suffix AND deleted = 0 ORDER BY revision DESC LIMIT 1";
        select.Parameters.AddWithValue("$suffix", keySuffix);
        using var reader = select.ExecuteReader();
        return reader.Read()
            ? (reader.GetString(0), (byte[])reader.GetValue(1))
            : throw new InvalidOperationException($"the template ConfigMap (key ending {keySuffix}) is not in the log");
    }

    // The template's JSON with uid and resourceVersion replaced by fixed-width placeholders (name and namespace already are).
    private static byte[] Placeholders(byte[] value, string templateNamespace)
    {
        var node = JsonNode.Parse(value)!.AsObject();
        var metadata = node["metadata"]!.AsObject();
        if ((string?)metadata["name"] != TemplateName || (string?)metadata["namespace"] != templateNamespace)
        {
            throw new InvalidOperationException("the template's name or namespace is not where the seeder expects it");
        }

        metadata["uid"] = UidPlaceholder;
        metadata["resourceVersion"] = RevisionPlaceholder;
        return JsonSerializer.SerializeToUtf8Bytes(node, RelaxedJson);
    }

    // Where a placeholder is; it must occur exactly once, or overwriting it would change something else too.
    private static int Offset(byte[] template, string placeholder)
    {
        var bytes = Encoding.ASCII.GetBytes(placeholder);
        var at = template.AsSpan().IndexOf(bytes);
        if (at < 0 || template.AsSpan(at + 1).IndexOf(bytes) >= 0)
        {
            throw new InvalidOperationException($"\"{placeholder}\" must occur exactly once in the template row");
        }

        return at;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
