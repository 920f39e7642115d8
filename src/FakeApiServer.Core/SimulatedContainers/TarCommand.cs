using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// tar over a container's in-memory file system, for <c>kubectl cp</c>: into a pod it runs <c>tar -xmf - [-C DIR]</c>
/// (or <c>tar --no-same-permissions --no-same-owner -xmf - ...</c>) with the archive on stdin, after <c>test -d DEST</c>;
/// out of a pod <c>tar cf - PATH</c> (with --retries, <c>sh -c "tar cf - PATH | tail -c+N"</c>). Also -t, -v, -z, -C and
/// --directory/--file. Archives are written in GNU format (long names), as GNU and BusyBox tar write them; any format
/// kubectl's Go writer produces (USTAR, PAX, GNU) is read. Messages and exit codes are BusyBox's.
/// </summary>
internal static class TarCommand
{
    public static async Task<int> RunAsync(BuiltInShell shell, IReadOnlyList<string> argv, ShellIo io, CancellationToken cancellationToken)
    {
        if (Options.Parse(argv) is not { } options)
        {
            await BuiltInShell.WriteAsync(io.Stderr, "tar: invalid option\nUsage: tar c|x|t [-zvmC DIR] [-f TARFILE] [FILE]...\n", cancellationToken);
            return 1;
        }

        if (options.Archive is not "-")
        {
            await BuiltInShell.WriteAsync(io.Stderr, $"tar: archive files other than - (stdin/stdout) are not supported here: '{options.Archive}'\n", cancellationToken);
            return 1;
        }

        var fs = shell.FileSystem;
        var directory = options.Directory ?? fs.WorkingDirectory;
        lock (fs.Gate)
        {
            if (fs.Find(directory, out var error) is not DirectoryNode)
            {
                return Fail(io, $"tar: can't change directory to '{directory}': {(error.Length > 0 ? error : ContainerView.NotADirectory)}\n");
            }
        }

        return options.Mode switch
        {
            'c' => await CreateAsync(fs, options, directory, io, cancellationToken),
            _ => await ExtractAsync(fs, options, directory, io, cancellationToken),
        };
    }

    private static int Fail(ShellIo io, string message)
    {
        io.Stderr.Write(Encoding.UTF8.GetBytes(message));
        io.Stderr.Flush();
        return 1;
    }

    private static async Task<int> CreateAsync(ContainerView fs, Options options, string directory, ShellIo io, CancellationToken cancellationToken)
    {
        if (options.Files.Count == 0)
        {
            await BuiltInShell.WriteAsync(io.Stderr, "tar: empty archive\n", cancellationToken);
            return 1;
        }

        var entries = new List<TarEntry>();
        var errors = new StringBuilder();
        var warnedSlash = false;
        var failed = false;
        lock (fs.Gate)
        {
            foreach (var file in options.Files)
            {
                var path = file.StartsWith('/') ? file : directory.TrimEnd('/') + "/" + file;
                var node = fs.Find(path, out var error);
                if (node is null)
                {
                    errors.Append("tar: ").Append(file).Append(": ").Append(error).Append('\n');
                    failed = true;
                    continue;
                }

                var name = file.TrimStart('/');
                if (name.Length != file.Length && !warnedSlash)
                {
                    errors.Append("tar: removing leading '/' from member names\n");
                    warnedSlash = true;
                }

                Collect(fs, path, name.Length == 0 ? "./" : name, node, entries);
            }
        }

        var output = options.Gzip ? new GZipStream(io.Stdout, CompressionLevel.Fastest, leaveOpen: true) : io.Stdout;
        await using (var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                await writer.WriteEntryAsync(entry, cancellationToken);
                if (options.Verbose)
                {
                    errors.Append(entry.Name).Append('\n');
                }
            }
        }

        if (options.Gzip)
        {
            await output.DisposeAsync();
        }

        await io.Stdout.FlushAsync(cancellationToken);
        await BuiltInShell.WriteAsync(io.Stderr, errors.ToString(), cancellationToken);
        return failed ? 1 : 0;
    }

    /// <summary>The entries for <paramref name="node"/> (a directory with everything under it), named from <paramref name="name"/>.</summary>
    private static void Collect(ContainerView fs, string path, string name, FileSystemNode node, List<TarEntry> entries)
    {
        switch (node)
        {
            case DirectoryNode directory:
                var dirName = name.EndsWith('/') ? name : name + "/";
                entries.Add(Entry(TarEntryType.Directory, dirName, node));
                var children = directory.Entries.ToList();
                // A mount point shows the mounted volume's entries, as the kernel does.
                foreach (var (childName, _) in children)
                {
                    var childPath = path.TrimEnd('/') + "/" + childName;
                    if (fs.Find(childPath, out _) is { } child)
                    {
                        Collect(fs, childPath, dirName + childName, child, entries);
                    }
                }

                break;
            case FileNode file:
                var entry = Entry(TarEntryType.RegularFile, name, node);
                entry.DataStream = new MemoryStream(file.Content, writable: false);
                entries.Add(entry);
                break;
            case SymlinkNode link:
                var symlink = Entry(TarEntryType.SymbolicLink, name, node);
                symlink.LinkName = link.Target;
                entries.Add(symlink);
                break;
        }
    }

    private static GnuTarEntry Entry(TarEntryType type, string name, FileSystemNode node) => new(type, name)
    {
        Mode = (UnixFileMode)(node.Mode & 0xFFF),
        ModificationTime = node.Modified,
        Uid = 0,
        Gid = 0,
        UserName = "root",
        GroupName = "root",
    };

    private static async Task<int> ExtractAsync(ContainerView fs, Options options, string directory, ShellIo io, CancellationToken cancellationToken)
    {
        var input = options.Gzip ? new GZipStream(io.Stdin, CompressionMode.Decompress, leaveOpen: true) : io.Stdin;
        var errors = new StringBuilder();
        var listing = new StringBuilder();
        try
        {
            await using var reader = new TarReader(input, leaveOpen: true);
            while (await reader.GetNextEntryAsync(copyData: true, cancellationToken) is { } entry)
            {
                var name = entry.Name;
                if (options.Mode == 't' || options.Verbose)
                {
                    listing.Append(name).Append('\n');
                }

                if (options.Mode == 't')
                {
                    continue;
                }

                var relative = name.TrimStart('/');
                if (relative.Split('/').Contains(".."))
                {
                    errors.Append("tar: skipping unsafe path: ").Append(name).Append('\n');
                    continue;
                }

                var path = directory.TrimEnd('/') + "/" + relative;
                var mode = options.SamePermissions ? (int)entry.Mode & 0xFFF : (int)entry.Mode & 0xFFF & ~0022;
                byte[] content = [];
                if (entry.DataStream is { } data)
                {
                    using var buffer = new MemoryStream();
                    await data.CopyToAsync(buffer, cancellationToken);
                    content = buffer.ToArray();
                }

                lock (fs.Gate)
                {
                    var error = entry.EntryType switch
                    {
                        TarEntryType.Directory => fs.CreateDirectory(path, out var e) is { } created ? Touch(created, mode, entry, options, fs) : e,
                        TarEntryType.SymbolicLink => Link(fs, path, entry.LinkName, entry, options),
                        TarEntryType.HardLink => fs.Find(directory.TrimEnd('/') + "/" + entry.LinkName.TrimStart('/'), out var e) is FileNode target
                            ? fs.WriteFile(path, target.Content, target.Mode) : e,
                        TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => WriteFile(fs, path, content, mode, entry, options),
                        _ => "",
                    };
                    if (error.Length > 0)
                    {
                        errors.Append("tar: can't open '").Append(relative).Append("': ").Append(error).Append('\n');
                    }
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            errors.Append("tar: short read\n");
        }

        await BuiltInShell.WriteAsync(options.Mode == 't' ? io.Stdout : io.Stderr, listing.ToString(), cancellationToken);
        await BuiltInShell.WriteAsync(io.Stderr, errors.ToString(), cancellationToken);
        return errors.Length > 0 ? 1 : 0;
    }

    private static string WriteFile(ContainerView fs, string path, byte[] content, int mode, TarEntry entry, Options options)
    {
        var parent = path[..path.LastIndexOf('/')];
        if (parent.Length > 0 && fs.Find(parent, out _) is null && fs.CreateDirectory(parent, out var error) is null)
        {
            return error;
        }

        var failure = fs.WriteFile(path, content, mode);
        if (failure.Length == 0 && fs.Find(path, out _) is FileNode file)
        {
            Touch(file, mode, entry, options, fs);
        }

        return failure;
    }

    private static string Link(ContainerView fs, string path, string target, TarEntry entry, Options options)
    {
        var directory = fs.Parent(path, out var name, out var error);
        if (directory is null)
        {
            return error;
        }

        if (directory.ReadOnly)
        {
            return ContainerView.ReadOnlyFileSystem;
        }

        directory.Entries[name] = new SymlinkNode(target, options.KeepModificationTimes ? entry.ModificationTime : fs.Now);
        return "";
    }

    /// <summary>Sets the mode and (unless -m) the archive's modification time of an extracted entry; "".</summary>
    private static string Touch(FileSystemNode node, int mode, TarEntry entry, Options options, ContainerView fs)
    {
        if (!node.ReadOnly)
        {
            node.Mode = mode;
            node.Modified = options.KeepModificationTimes ? entry.ModificationTime : fs.Now;
        }

        return "";
    }

    /// <summary>tar's arguments: the mode (c, x or t), the flags, -C, -f and the operands, in old (cf) or dashed (-xmf) style.</summary>
    private sealed record Options(char Mode, string? Archive, string? Directory, bool Verbose, bool Gzip, bool KeepModificationTimes, bool SamePermissions, IReadOnlyList<string> Files)
    {
        public static Options? Parse(IReadOnlyList<string> argv)
        {
            char mode = '\0';
            string? archive = null;
            string? directory = null;
            bool verbose = false, gzip = false, touch = false, samePermissions = true;
            var files = new List<string>();
            var pending = new Queue<char>();
            for (var i = 1; i < argv.Count; i++)
            {
                var arg = argv[i];
                string? Next() => i + 1 < argv.Count ? argv[++i] : null;
                if (arg.StartsWith("--", StringComparison.Ordinal))
                {
                    switch (arg)
                    {
                        case "--no-same-permissions":
                            samePermissions = false;
                            break;
                        case "--no-same-owner" or "--same-owner" or "--same-permissions" or "--preserve-permissions" or "--numeric-owner":
                            break;
                        case "--extract" or "--get":
                            mode = 'x';
                            break;
                        case "--create":
                            mode = 'c';
                            break;
                        case "--list":
                            mode = 't';
                            break;
                        case "--verbose":
                            verbose = true;
                            break;
                        case "--gzip":
                            gzip = true;
                            break;
                        case "--touch":
                            touch = true;
                            break;
                        default:
                            if (arg.StartsWith("--directory=", StringComparison.Ordinal))
                            {
                                directory = arg["--directory=".Length..];
                            }
                            else if (arg.StartsWith("--file=", StringComparison.Ordinal))
                            {
                                archive = arg["--file=".Length..];
                            }
                            else
                            {
                                return null;
                            }

                            break;
                    }

                    continue;
                }

                // The first argument may be a bundle of letters without a dash (tar cf - x), as may any dashed one.
                if ((i == 1 && !arg.StartsWith('-') && arg.Length > 0) || (arg.StartsWith('-') && arg.Length > 1))
                {
                    foreach (var letter in arg.TrimStart('-'))
                    {
                        switch (letter)
                        {
                            case 'c' or 'x' or 't':
                                mode = letter;
                                break;
                            case 'v':
                                verbose = true;
                                break;
                            case 'z':
                                gzip = true;
                                break;
                            case 'm':
                                touch = true;
                                break;
                            case 'o' or 'p':
                                break;
                            case 'f' or 'C':
                                pending.Enqueue(letter);
                                break;
                            default:
                                return null;
                        }
                    }

                    while (pending.TryDequeue(out var letter))
                    {
                        var value = Next();
                        if (value is null)
                        {
                            return null;
                        }

                        if (letter == 'f')
                        {
                            archive = value;
                        }
                        else
                        {
                            directory = value;
                        }
                    }

                    continue;
                }

                files.Add(arg);
            }

            return mode == '\0' ? null : new Options(mode, archive ?? "-", directory, verbose, gzip, !touch, samePermissions, files);
        }
    }
}
