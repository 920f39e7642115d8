namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// A node of a simulated container's in-memory file system: a directory, a regular file or a symbolic link, with its
/// permission bits and modification time. Nodes are changed only under the owning <see cref="ContainerFileSystems"/>' lock.
/// </summary>
internal abstract class FileSystemNode(int mode, DateTimeOffset modified)
{
    /// <summary>The permission bits (e.g. 0644).</summary>
    public int Mode { get; set; } = mode;

    public DateTimeOffset Modified { get; set; } = modified;

    /// <summary>Whether writes are refused (the files of configMap, secret, downwardAPI and projected volumes).</summary>
    public bool ReadOnly { get; init; }
}

/// <summary>A directory: its entries by name, in ordinal order (as ls and tar list them).</summary>
internal sealed class DirectoryNode(int mode, DateTimeOffset modified) : FileSystemNode(mode, modified)
{
    public SortedDictionary<string, FileSystemNode> Entries { get; } = new(StringComparer.Ordinal);
}

/// <summary>A regular file and its bytes.</summary>
internal sealed class FileNode(byte[] content, int mode, DateTimeOffset modified) : FileSystemNode(mode, modified)
{
    public byte[] Content { get; set; } = content;
}

/// <summary>A symbolic link (kept as written; the shell does not follow it).</summary>
internal sealed class SymlinkNode(string target, DateTimeOffset modified) : FileSystemNode(0777, modified)
{
    public string Target { get; } = target;
}
