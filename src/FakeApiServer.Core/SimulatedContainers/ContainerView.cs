namespace FakeApiServer.SimulatedContainers;

/// <summary>A volume mounted into a container at <see cref="Path"/> (absolute, normalized): a directory, or one file (subPath).</summary>
internal sealed record VolumeMountView(string Path, FileSystemNode Node);

/// <summary>
/// The file system one exec sees: the container's own tree (lost when the container restarts) with the pod's volumes
/// mounted over it, and the container's working directory. Paths are resolved as a shell does: relative to the
/// working directory, "." and ".." folded, the deepest mount that contains a path serving it. Callers hold
/// <see cref="Gate"/> around every read and write.
/// </summary>
internal sealed class ContainerView(DirectoryNode root, IReadOnlyList<VolumeMountView> mounts, string workingDirectory, object gate, DateTimeOffset now)
{
    public const string NoSuchFile = "No such file or directory";
    public const string NotADirectory = "Not a directory";
    public const string ReadOnlyFileSystem = "Read-only file system";
    public const string IsADirectory = "Is a directory";

    public object Gate { get; } = gate;

    public string WorkingDirectory { get; } = workingDirectory;

    /// <summary>The time new and extracted files get.</summary>
    public DateTimeOffset Now { get; } = now;

    /// <summary>The absolute, normalized form of <paramref name="path"/> ("/" for the root).</summary>
    public string FullPath(string path) => "/" + string.Join('/', Components(path));

    /// <summary>The node at <paramref name="path"/>, or null with why.</summary>
    public FileSystemNode? Find(string path, out string error)
    {
        error = "";
        var components = Components(path);
        var (node, rest) = Start(components);
        foreach (var name in rest)
        {
            if (node is not DirectoryNode directory)
            {
                error = NotADirectory;
                return null;
            }

            if (!directory.Entries.TryGetValue(name, out node))
            {
                error = NoSuchFile;
                return null;
            }
        }

        return node;
    }

    /// <summary>Creates the directory at <paramref name="path"/> and its parents as needed (mkdir -p); null with why when it cannot.</summary>
    public DirectoryNode? CreateDirectory(string path, out string error)
    {
        error = "";
        var components = Components(path);
        var (node, rest) = Start(components);
        foreach (var name in rest)
        {
            if (node is not DirectoryNode directory)
            {
                error = NotADirectory;
                return null;
            }

            if (!directory.Entries.TryGetValue(name, out node))
            {
                if (directory.ReadOnly)
                {
                    error = ReadOnlyFileSystem;
                    return null;
                }

                node = directory.Entries[name] = new DirectoryNode(0755, Now);
            }
        }

        if (node is not DirectoryNode result)
        {
            error = NotADirectory;
            return null;
        }

        return result;
    }

    /// <summary>The directory that holds <paramref name="path"/> and the name in it; null with why when that directory does not exist.</summary>
    public DirectoryNode? Parent(string path, out string name, out string error)
    {
        var components = Components(path);
        name = components.Count == 0 ? "" : components[^1];
        if (components.Count == 0)
        {
            error = IsADirectory;
            return null;
        }

        var parent = Find("/" + string.Join('/', components.Take(components.Count - 1)), out error);
        if (parent is null)
        {
            return null;
        }

        if (parent is not DirectoryNode directory)
        {
            error = NotADirectory;
            return null;
        }

        if (mounts.Any(m => m.Path == "/" + string.Join('/', components)))
        {
            error = "Device or resource busy";
            return null;
        }

        return directory;
    }

    /// <summary>Writes a regular file, replacing one that is there; why not, or "".</summary>
    public string WriteFile(string path, byte[] content, int mode)
    {
        var directory = Parent(path, out var name, out var error);
        if (directory is null)
        {
            return error;
        }

        if (directory.Entries.TryGetValue(name, out var existing))
        {
            switch (existing)
            {
                case DirectoryNode:
                    return IsADirectory;
                case FileNode { ReadOnly: true }:
                    return ReadOnlyFileSystem;
                case FileNode file:
                    file.Content = content;
                    file.Modified = Now;
                    return "";
            }
        }

        if (directory.ReadOnly)
        {
            return ReadOnlyFileSystem;
        }

        directory.Entries[name] = new FileNode(content, mode, Now);
        return "";
    }

    /// <summary>Removes the entry at <paramref name="path"/> (with everything under it); why not, or "".</summary>
    public string Remove(string path)
    {
        var directory = Parent(path, out var name, out var error);
        if (directory is null)
        {
            return error;
        }

        if (!directory.Entries.ContainsKey(name))
        {
            return NoSuchFile;
        }

        if (directory.ReadOnly)
        {
            return ReadOnlyFileSystem;
        }

        directory.Entries.Remove(name);
        return "";
    }

    /// <summary>The names along <paramref name="path"/> from the root, relative paths starting at the working directory.</summary>
    public IReadOnlyList<string> Components(string path)
    {
        var components = new List<string>();
        if (!path.StartsWith('/'))
        {
            components.AddRange(WorkingDirectory.Split('/', StringSplitOptions.RemoveEmptyEntries));
        }

        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (components.Count > 0)
                {
                    components.RemoveAt(components.Count - 1);
                }

                continue;
            }

            components.Add(part);
        }

        return components;
    }

    private (FileSystemNode Node, IEnumerable<string> Remaining) Start(IReadOnlyList<string> components)
    {
        VolumeMountView? best = null;
        var bestLength = -1;
        foreach (var mount in mounts)
        {
            var mountComponents = mount.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (mountComponents.Length > bestLength && mountComponents.Length <= components.Count
                && mountComponents.SequenceEqual(components.Take(mountComponents.Length), StringComparer.Ordinal))
            {
                best = mount;
                bestLength = mountComponents.Length;
            }
        }

        return best is null ? (root, components) : (best.Node, components.Skip(bestLength));
    }
}
