using System.Text;
using System.Text.Json;
using FakeApiServer.Storage;

namespace FakeApiServer.Testing;

/// <summary>
/// The whole state of a cluster at one resourceVersion (<see cref="FakeCluster.SnapshotAsync"/>): immutable, so taking
/// one costs nothing and it can be restored any number of times (<see cref="FakeCluster.RestoreAsync"/>), into this
/// cluster or another (<see cref="FakeClusterOptions.Seed"/>). Saved as a file, it seeds clusters of later test runs.
/// </summary>
public sealed class ClusterSnapshot
{
    private const string FileKind = "FakeApiServerSnapshot";

    internal ClusterSnapshot(StoreSnapshot state) => State = state;

    /// <summary>The resourceVersion the snapshot was taken at.</summary>
    public long ResourceVersion => State.Revision;

    /// <summary>The number of objects.</summary>
    public int Count => State.Count;

    internal StoreSnapshot State { get; }

    /// <summary>
    /// Writes the snapshot to a file: a first line naming the format and the resourceVersion, then one JSON line per
    /// object (its storage key and the object).
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task SaveAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        await using var file = File.Create(path);
        await file.WriteAsync(Encoding.UTF8.GetBytes($"{{\"kind\":\"{FileKind}\",\"resourceVersion\":{State.Revision}}}\n"), cancellationToken);
        foreach (var stored in State.Range(""))
        {
            using var line = new MemoryStream();
            using (var writer = new Utf8JsonWriter(line))
            {
                writer.WriteStartObject();
                writer.WriteString("key", stored.Key);
                writer.WriteNumber("revision", stored.Revision);
                writer.WriteNumber("createRevision", stored.CreateRevision);
                writer.WritePropertyName("object");
                writer.WriteRawValue(stored.Value, skipInputValidation: true);
                writer.WriteEndObject();
            }

            line.WriteByte((byte)'\n');
            await file.WriteAsync(line.GetBuffer().AsMemory(0, (int)line.Length), cancellationToken);
        }
    }

    /// <summary>Reads a snapshot <see cref="SaveAsync"/> wrote.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="FormatException">The file is not a snapshot.</exception>
    public static async Task<ClusterSnapshot> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var lines = await File.ReadAllLinesAsync(path, cancellationToken);
        long revision;
        using (var header = lines.Length > 0 ? JsonDocument.Parse(lines[0]) : throw new FormatException($"{path} is empty, not a snapshot"))
        {
            if (!header.RootElement.TryGetProperty("kind", out var kind) || kind.GetString() != FileKind)
            {
                throw new FormatException($"{path} is not a {FileKind} file");
            }

            revision = header.RootElement.GetProperty("resourceVersion").GetInt64();
        }

        var objects = new List<StoredObject>(lines.Length - 1);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            using var entry = JsonDocument.Parse(line);
            var root = entry.RootElement;
            objects.Add(new StoredObject(
                root.GetProperty("key").GetString()!, root.GetProperty("revision").GetInt64(), root.GetProperty("createRevision").GetInt64(),
                Encoding.UTF8.GetBytes(root.GetProperty("object").GetRawText())));
        }

        return new ClusterSnapshot(StoreSnapshot.Of(objects, revision));
    }
}
