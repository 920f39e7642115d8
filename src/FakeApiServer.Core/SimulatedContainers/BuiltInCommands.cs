using System.Globalization;
using System.Text;

namespace FakeApiServer.SimulatedContainers;

/// <summary>A built-in command: its arguments (argv[0] is its name) and streams; returns the exit code.</summary>
internal delegate Task<int> BuiltInCommand(BuiltInShell shell, IReadOnlyList<string> argv, ShellIo io, CancellationToken cancellationToken);

/// <summary>
/// The commands of the simulated containers' minimal image, with BusyBox's messages and exit codes: echo, env,
/// printenv, hostname, cat, ls, test and [, true, false, pwd, exit, sleep (on the server's clock), mkdir, rm, touch,
/// tail -c, head -c, whoami, id, gzip and gunzip (stdin to stdout), md5sum, sha256sum. sh and tar are in <see cref="BuiltInShell"/> and <see cref="TarCommand"/>.
/// </summary>
internal static class BuiltInCommands
{
    private static readonly Dictionary<string, BuiltInCommand> Commands = new(StringComparer.Ordinal)
    {
        ["echo"] = EchoAsync,
        ["env"] = EnvAsync,
        ["printenv"] = PrintenvAsync,
        ["hostname"] = (shell, _, io, ct) => WriteAsync(io.Stdout, shell.Hostname + "\n", 0, ct),
        ["cat"] = CatAsync,
        ["ls"] = LsAsync,
        ["test"] = TestAsync,
        ["["] = TestAsync,
        ["true"] = (_, _, _, _) => Task.FromResult(0),
        ["false"] = (_, _, _, _) => Task.FromResult(1),
        ["pwd"] = (shell, _, io, ct) => WriteAsync(io.Stdout, shell.FileSystem.WorkingDirectory + "\n", 0, ct),
        ["exit"] = ExitAsync,
        ["sleep"] = SleepAsync,
        ["mkdir"] = MkdirAsync,
        ["rm"] = RmAsync,
        ["touch"] = TouchAsync,
        ["tail"] = (shell, argv, io, ct) => SliceAsync(shell, argv, io, fromEnd: true, ct),
        ["head"] = (shell, argv, io, ct) => SliceAsync(shell, argv, io, fromEnd: false, ct),
        ["whoami"] = (_, _, io, ct) => WriteAsync(io.Stdout, "root\n", 0, ct),
        ["id"] = (_, _, io, ct) => WriteAsync(io.Stdout, "uid=0(root) gid=0(root) groups=0(root)\n", 0, ct),
        ["gzip"] = (_, argv, io, ct) => GzipAsync(argv, io, ct),
        ["md5sum"] = (shell, argv, io, ct) => ChecksumAsync(shell, argv, io, System.Security.Cryptography.MD5.HashData, ct),
        ["sha256sum"] = (shell, argv, io, ct) => ChecksumAsync(shell, argv, io, System.Security.Cryptography.SHA256.HashData, ct),
        ["gunzip"] = (_, _, io, ct) => GunzipAsync(io, ct),
    };

    /// <summary>The names of the built-in commands, sh and tar included (docs/containers.md lists them).</summary>
    public static IEnumerable<string> Names => Commands.Keys.Append("sh").Append("tar").Order(StringComparer.Ordinal);

    public static BuiltInCommand? Find(string name) => Commands.GetValueOrDefault(name);

    private static async Task<int> WriteAsync(Stream stream, string text, int status, CancellationToken cancellationToken)
    {
        await BuiltInShell.WriteAsync(stream, text, cancellationToken);
        return status;
    }

    private static Task<int> EchoAsync(BuiltInShell shell, IReadOnlyList<string> argv, ShellIo io, CancellationToken cancellationToken)
    {
        var args = argv.Skip(1).ToList();
        var newline = true;
        while (args.Count > 0 && args[0] is "-n" or "-e" or "-E" or "-ne" or "-en")
        {
            newline &= !args[0].Contains('n', StringComparison.Ordinal);
            args.RemoveAt(0);
        }

        return WriteAsync(io.Stdout, string.Join(' ', args) + (newline ? "\n" : ""), 0, cancellationToken);
    }

    private static Task<int> EnvAsync(BuiltInShell shell, IReadOnlyList<string> argv, ShellIo io, CancellationToken cancellationToken) =>
        WriteAsync(io.Stdout, string.Concat(shell.Environment.Select(p => p.Key + "=" + p.Value + "\n")), 0, cancellationToken);

    private static async Task<int> PrintenvAsync(BuiltInShell shell, IReadOnlyList<string> argv, ShellIo io, CancellationToken cancellationToken)
    {
        if (argv.Count == 1)
        {
            return await EnvAsync(shell, argv, io, cancellationToken);
        }

        var status = 0;
        foreach (var name in argv.Skip(1))
        {
            var found = shell.Environment.FirstOrDefault(p => p.Key == name);
            if (found.Key is null)
            {
                status = 1;
                continue;
            }

            await BuiltInShell.WriteAsync(io.Stdout, found.Value + "\n", cancellationToken);
        }

        return status;
    }

    private static async Task<int> CatAsync(BuiltInShell shell, IReadOnlyList<string> argv, ShellIo io, CancellationToken cancellationToken)
    {
        var files = argv.Skip(1).Where(a => a != "-u").ToList();
        if (files.Count == 0)
        {
            files.Add("-");
        }

        var status = 0;
        foreach (var path in files)
        {
            if (path == "-")
            {
                await io.Stdin.CopyToAsync(io.Stdout, cancellationToken);
                continue;
            }

            FileSystemNode? node;
            string error;
            lock (shell.FileSystem.Gate)
            {
                node = shell.FileSystem.Find(path, out error);
            }

            switch (node)
            {
                case FileNode file:
                    await io.Stdout.WriteAsync(file.Content, cancellationToken);
                    break;
                case DirectoryNode:
                    await BuiltInShell.WriteAsync(io.Stderr, "cat: read error: Is a directory\n", cancellationToken);
                    status = 1;
                    break;
                default:
                    await BuiltInShell.WriteAsync(io.Stderr, $"cat: can't open '{path}': {(node is null ? error : ContainerView.NoSuchFile)}\n", cancellationToken);
                    status = 1;
                    break;
            }
        }

        await io.Stdout.FlushAsync(cancellationToken);
        return status;
    }

    /// <summary>md5sum / sha256sum [FILE...]: "hash  name" per file (stdin, named "-", without one), BusyBox's errors.</summary>
    private static async Task<int> ChecksumAsync(BuiltInShell shell, IReadOnlyList<string> argv, ShellIo io, Func<byte[], byte[]> hash, CancellationToken cancellationToken)
    {
        var files = argv.Skip(1).DefaultIfEmpty("-").ToList();
        var status = 0;
        foreach (var path in files)
        {
            byte[] content;
            if (path == "-")
            {
                using var buffer = new MemoryStream();
                await io.Stdin.CopyToAsync(buffer, cancellationToken);
                content = buffer.ToArray();
            }
            else
            {
                FileSystemNode? node;
                string error;
                lock (shell.FileSystem.Gate)
                {
                    node = shell.FileSystem.Find(path, out error);
                }

                if (node is not FileNode file)
                {
                    await BuiltInShell.WriteAsync(io.Stderr, $"{argv[0]}: can't open '{path}': {(node is null ? error : "Is a directory")}\n", cancellationToken);
                    status = 1;
                    continue;
                }

                content = file.Content;
            }

            await BuiltInShell.WriteAsync(io.Stdout, $"{Convert.ToHexStringLower(hash(content))}  {path}\n", cancellationToken);
        }

        return status;
    }

    private static async Task<int> LsAsync(BuiltInShell shell, IReadOnlyList<string> argv, ShellIo io, CancellationToken cancellationToken)
    {
        var flags = string.Concat(argv.Skip(1).Where(a => a.StartsWith('-') && a.Length > 1).Select(a => a[1..]));
        var paths = argv.Skip(1).Where(a => !a.StartsWith('-') || a.Length == 1).ToList();
        var all = flags.Contains('a', StringComparison.Ordinal);
        var details = flags.Contains('l', StringComparison.Ordinal);
        var directoryItself = flags.Contains('d', StringComparison.Ordinal);
        if (paths.Count == 0)
        {
            paths.Add(".");
        }

        var output = new StringBuilder();
        var errors = new StringBuilder();
        var status = 0;
        lock (shell.FileSystem.Gate)
        {
            var listings = new List<(string Path, DirectoryNode Directory)>();
            foreach (var path in paths)
            {
                var node = shell.FileSystem.Find(path, out var error);
                if (node is null)
                {
                    errors.Append(CultureInfo.InvariantCulture, $"ls: {path}: {error}\n");
                    status = 1;
                }
                else if (node is DirectoryNode directory && !directoryItself)
                {
                    listings.Add((path, directory));
                }
                else
                {
                    output.Append(Line(path, node, details));
                }
            }

            foreach (var (path, directory) in listings)
            {
                if (paths.Count > 1)
                {
                    output.Append(output.Length > 0 ? "\n" : "").Append(path).Append(":\n");
                }

                if (details)
                {
                    output.Append(CultureInfo.InvariantCulture, $"total {directory.Entries.Count}\n");
                }

                if (all)
                {
                    output.Append(Line(".", directory, details)).Append(Line("..", directory, details));
                }

                foreach (var (name, entry) in directory.Entries.Where(e => all || !e.Key.StartsWith('.')))
                {
                    output.Append(Line(name, entry, details));
                }
            }
        }

        await BuiltInShell.WriteAsync(io.Stdout, output.ToString(), cancellationToken);
        await BuiltInShell.WriteAsync(io.Stderr, errors.ToString(), cancellationToken);
        return status;
    }

    /// <summary>One entry as ls prints it; with -l in BusyBox's long format.</summary>
    private static string Line(string name, FileSystemNode node, bool details)
    {
        if (!details)
        {
            return name + "\n";
        }

        var (type, size, suffix) = node switch
        {
            DirectoryNode d => ('d', 4096L, ""),
            FileNode f => ('-', f.Content.LongLength, ""),
            SymlinkNode s => ('l', s.Target.Length, " -> " + s.Target),
            _ => ('-', 0L, ""),
        };
        var permissions = new StringBuilder().Append(type);
        for (var shift = 6; shift >= 0; shift -= 3)
        {
            var bits = (node.Mode >> shift) & 7;
            permissions.Append((bits & 4) != 0 ? 'r' : '-').Append((bits & 2) != 0 ? 'w' : '-').Append((bits & 1) != 0 ? 'x' : '-');
        }

        var date = node.Modified.ToString("MMM d HH:mm", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{permissions}    1 root     root     {size,9} {date} {name}{suffix}\n");
    }

    private static Task<int> TestAsync(BuiltInShell shell, IReadOnlyList<string> argv, ShellIo io, CancellationToken cancellationToken)
    {
        var args = argv.Skip(1).ToList();
        if (argv[0] == "[")
        {
            if (args.Count == 0 || args[^1] != "]")
            {
                return WriteAsync(io.Stderr, "sh: [: missing ]\n", 2, cancellationToken);
            }

            args.RemoveAt(args.Count - 1);
        }

        var negate = args.Count > 0 && args[0] == "!";
        if (negate)
        {
            args.RemoveAt(0);
        }

        bool result;
        switch (args.Count)
        {
            case 0:
                result = false;
                break;
            case 1:
                result = args[0].Length > 0;
                break;
            case 2 when args[0] is "-z" or "-n":
                result = (args[1].Length == 0) == (args[0] == "-z");
                break;
            case 2 when args[0] is "-e" or "-f" or "-d" or "-s" or "-r" or "-w" or "-x" or "-L" or "-h":
                FileSystemNode? node;
                lock (shell.FileSystem.Gate)
                {
                    node = shell.FileSystem.Find(args[1], out _);
                }

                result = args[0] switch
                {
                    "-e" or "-r" => node is not null,
                    "-w" => node is not null && !node.ReadOnly,
                    "-x" => node is DirectoryNode || (node is not null && (node.Mode & 0111) != 0),
                    "-f" => node is FileNode,
                    "-d" => node is DirectoryNode,
                    "-L" or "-h" => node is SymlinkNode,
                    _ => node is FileNode { Content.Length: > 0 } or DirectoryNode,
                };
                break;
            case 3 when args[1] is "=" or "==" or "!=":
                result = (args[0] == args[2]) == (args[1] != "!=");
                break;
            case 3 when args[1] is "-eq" or "-ne" or "-lt" or "-le" or "-gt" or "-ge":
                if (!long.TryParse(args[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var a)
                    || !long.TryParse(args[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var b))
                {
                    return WriteAsync(io.Stderr, $"sh: {args[0]}: bad number\n", 2, cancellationToken);
                }

                result = args[1] switch { "-eq" => a == b, "-ne" => a != b, "-lt" => a < b, "-le" => a <= b, "-gt" => a > b, _ => a >= b };
                break;
            default:
                return WriteAsync(io.Stderr, $"sh: {argv[0]}: unknown operand\n", 2, cancellationToken);
        }

        return Task.FromResult(result != negate ? 0 : 1);
    }

    private static Task<int> ExitAsync(BuiltInShell shell, IReadOnlyList<string> argv, ShellIo io, CancellationToken cancellationToken)
    {
        var code = argv.Count > 1 && int.TryParse(argv[1], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c & 255 : 0;
        return Task.FromResult(shell.RequestExit(code));
    }

    private static async Task<int> SleepAsync(BuiltInShell shell, IReadOnlyList<string> argv, ShellIo io, CancellationToken cancellationToken)
    {
        if (argv.Count < 2 || !double.TryParse(argv[1].TrimEnd('s'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            return await WriteAsync(io.Stderr, $"sleep: invalid number '{(argv.Count > 1 ? argv[1] : "")}'\n", 1, cancellationToken);
        }

        await Task.Delay(TimeSpan.FromSeconds(seconds), shell.Time, cancellationToken);
        return 0;
    }

    private static async Task<int> MkdirAsync(BuiltInShell shell, IReadOnlyList<string> argv, ShellIo io, CancellationToken cancellationToken)
    {
        var parents = argv.Skip(1).Any(a => a is "-p" or "--parents");
        var errors = new StringBuilder();
        lock (shell.FileSystem.Gate)
        {
            foreach (var path in argv.Skip(1).Where(a => !a.StartsWith('-')))
            {
                var exists = shell.FileSystem.Find(path, out _);
                if (exists is not null && !parents)
                {
                    errors.Append(CultureInfo.InvariantCulture, $"mkdir: can't create directory '{path}': File exists\n");
                    continue;
                }

                if (!parents && shell.FileSystem.Parent(path, out _, out var missing) is null)
                {
                    errors.Append(CultureInfo.InvariantCulture, $"mkdir: can't create directory '{path}': {missing}\n");
                    continue;
                }

                if (shell.FileSystem.CreateDirectory(path, out var error) is null)
                {
                    errors.Append(CultureInfo.InvariantCulture, $"mkdir: can't create directory '{path}': {error}\n");
                }
            }
        }

        return await WriteAsync(io.Stderr, errors.ToString(), errors.Length > 0 ? 1 : 0, cancellationToken);
    }

    private static async Task<int> RmAsync(BuiltInShell shell, IReadOnlyList<string> argv, ShellIo io, CancellationToken cancellationToken)
    {
        var flags = string.Concat(argv.Skip(1).Where(a => a.StartsWith('-')).Select(a => a[1..]));
        var errors = new StringBuilder();
        lock (shell.FileSystem.Gate)
        {
            foreach (var path in argv.Skip(1).Where(a => !a.StartsWith('-')))
            {
                var node = shell.FileSystem.Find(path, out var error);
                if (node is null)
                {
                    if (!flags.Contains('f', StringComparison.Ordinal))
                    {
                        errors.Append(CultureInfo.InvariantCulture, $"rm: can't remove '{path}': {error}\n");
                    }

                    continue;
                }

                if (node is DirectoryNode && !flags.Contains('r', StringComparison.Ordinal) && !flags.Contains('R', StringComparison.Ordinal))
                {
                    errors.Append(CultureInfo.InvariantCulture, $"rm: '{path}' is a directory\n");
                    continue;
                }

                if (shell.FileSystem.Remove(path) is { Length: > 0 } failure)
                {
                    errors.Append(CultureInfo.InvariantCulture, $"rm: can't remove '{path}': {failure}\n");
                }
            }
        }

        return await WriteAsync(io.Stderr, errors.ToString(), errors.Length > 0 ? 1 : 0, cancellationToken);
    }

    private static async Task<int> TouchAsync(BuiltInShell shell, IReadOnlyList<string> argv, ShellIo io, CancellationToken cancellationToken)
    {
        var errors = new StringBuilder();
        lock (shell.FileSystem.Gate)
        {
            foreach (var path in argv.Skip(1).Where(a => !a.StartsWith('-')))
            {
                if (shell.FileSystem.Find(path, out _) is { } node)
                {
                    if (!node.ReadOnly)
                    {
                        node.Modified = shell.FileSystem.Now;
                    }
                }
                else if (shell.FileSystem.WriteFile(path, [], 0644) is { Length: > 0 } error)
                {
                    errors.Append(CultureInfo.InvariantCulture, $"touch: {path}: {error}\n");
                }
            }
        }

        return await WriteAsync(io.Stderr, errors.ToString(), errors.Length > 0 ? 1 : 0, cancellationToken);
    }

    /// <summary>tail -c +N / -c N and head -c N over stdin or one file (what kubectl cp's resumed copies use).</summary>
    private static async Task<int> SliceAsync(BuiltInShell shell, IReadOnlyList<string> argv, ShellIo io, bool fromEnd, CancellationToken cancellationToken)
    {
        var args = argv.Skip(1).ToList();
        string? count = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "-c" && i + 1 < args.Count)
            {
                count = args[i + 1];
                args.RemoveRange(i, 2);
                break;
            }

            if (args[i].StartsWith("-c", StringComparison.Ordinal) && args[i].Length > 2)
            {
                count = args[i][2..];
                args.RemoveAt(i);
                break;
            }
        }

        if (count is null || !long.TryParse(count.TrimStart('+'), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return await WriteAsync(io.Stderr, $"{argv[0]}: only -c is supported here\n", 1, cancellationToken);
        }

        byte[] input;
        if (args.Count > 0)
        {
            FileSystemNode? node;
            string error;
            lock (shell.FileSystem.Gate)
            {
                node = shell.FileSystem.Find(args[0], out error);
            }

            if (node is not FileNode file)
            {
                return await WriteAsync(io.Stderr, $"{argv[0]}: can't open '{args[0]}': {(node is null ? error : ContainerView.IsADirectory)}\n", 1, cancellationToken);
            }

            input = file.Content;
        }
        else
        {
            using var buffer = new MemoryStream();
            await io.Stdin.CopyToAsync(buffer, cancellationToken);
            input = buffer.ToArray();
        }

        var length = input.LongLength;
        var (start, end) = !fromEnd ? (0L, Math.Min(n, length))
            : count.StartsWith('+') ? (Math.Min(Math.Max(n - 1, 0), length), length)
            : (Math.Max(length - n, 0), length);
        await io.Stdout.WriteAsync(input.AsMemory((int)start, (int)(end - start)), cancellationToken);
        await io.Stdout.FlushAsync(cancellationToken);
        return 0;
    }

    /// <summary>gzip [-c] [-d]: compresses (or, with -d, decompresses) stdin to stdout, as in a pipe.</summary>
    private static async Task<int> GzipAsync(IReadOnlyList<string> argv, ShellIo io, CancellationToken cancellationToken)
    {
        if (argv.Skip(1).Any(a => a is "-d" or "-dc" or "-cd"))
        {
            return await GunzipAsync(io, cancellationToken);
        }

        await using (var gzip = new System.IO.Compression.GZipStream(io.Stdout, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            await io.Stdin.CopyToAsync(gzip, cancellationToken);
        }

        return 0;
    }

    private static async Task<int> GunzipAsync(ShellIo io, CancellationToken cancellationToken)
    {
        try
        {
            await using var gunzip = new System.IO.Compression.GZipStream(io.Stdin, System.IO.Compression.CompressionMode.Decompress, leaveOpen: true);
            await gunzip.CopyToAsync(io.Stdout, cancellationToken);
            return 0;
        }
        catch (InvalidDataException)
        {
            await BuiltInShell.WriteAsync(io.Stderr, "gunzip: invalid magic\n", cancellationToken);
            return 1;
        }
    }
}
