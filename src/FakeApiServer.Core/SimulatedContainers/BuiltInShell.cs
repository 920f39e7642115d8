using System.Text;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// The tiny shell of a simulated container with no matching rule: runs an exec's command as a built-in
/// (<see cref="BuiltInCommands"/>), and <c>sh -c SCRIPT</c>, <c>sh</c> reading a script from stdin, or an
/// interactive <c>sh</c> on a tty (prompt, echo, line editing with backspace, ^D to leave) in the syntax
/// <see cref="ShellSyntax"/> reads. A command it does not have exits 127 with "command not found" on stderr, as in a
/// minimal image. One instance per exec.
/// </summary>
internal sealed class BuiltInShell(ContainerView fileSystem, IReadOnlyList<KeyValuePair<string, string>> environment, string hostname, TimeProvider time)
{
    /// <summary>Directories whose commands the shell has (a path such as /bin/sh runs the built-in sh).</summary>
    private static readonly string[] CommandDirectories = ["/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/"];

    /// <summary>What a command returns to make the script it runs in stop (the code is kept by <see cref="RequestExit"/>).</summary>
    private const int ExitRequested = -1;

    private readonly Dictionary<string, string> _variables = environment.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    private int _exitCode;

    public ContainerView FileSystem { get; } = fileSystem;

    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; } = environment;

    public string Hostname { get; } = hostname;

    public TimeProvider Time { get; } = time;

    /// <summary>Runs an exec's command (argv, not parsed by a shell) and returns its exit code.</summary>
    public async Task<int> ExecAsync(IReadOnlyList<string> argv, ShellIo io, bool tty, CancellationToken cancellationToken)
    {
        var status = await RunAsync(argv, io, tty, cancellationToken);
        return status == ExitRequested ? _exitCode : status;
    }

    /// <summary>Runs one command (argv) and returns its exit code, or <see cref="ExitRequested"/> from exit.</summary>
    private async Task<int> RunAsync(IReadOnlyList<string> argv, ShellIo io, bool tty, CancellationToken cancellationToken)
    {
        if (argv.Count == 0)
        {
            return 0;
        }

        var name = argv[0];
        if (name.Contains('/', StringComparison.Ordinal))
        {
            name = CommandDirectories.FirstOrDefault(d => name.StartsWith(d, StringComparison.Ordinal) && !name[d.Length..].Contains('/', StringComparison.Ordinal)) is { } directory
                ? name[directory.Length..] : "";
        }

        if (name is "sh" or "ash")
        {
            return await ShAsync(argv, io, tty, cancellationToken);
        }

        if (name == "tar")
        {
            return await TarCommand.RunAsync(this, argv, io, cancellationToken);
        }

        if (BuiltInCommands.Find(name) is { } command)
        {
            return await command(this, argv, io, cancellationToken);
        }

        await WriteAsync(io.Stderr, $"sh: {argv[0]}: command not found\n", cancellationToken);
        return 127;
    }

    /// <summary>Runs a script; the exit code of its last pipeline, or of its exit (2 for a syntax error, as sh).</summary>
    public async Task<int> RunScriptAsync(string script, ShellIo io, CancellationToken cancellationToken) =>
        (await RunScriptCoreAsync(script, io, cancellationToken)).Status;

    /// <summary>Written to stdout or stderr of a command, as UTF-8.</summary>
    public static async Task WriteAsync(Stream stream, string text, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>What the <c>exit</c> built-in returns: the script stops with <paramref name="code"/>.</summary>
    public int RequestExit(int code)
    {
        _exitCode = code;
        return ExitRequested;
    }

    private async Task<(int Status, bool Exited)> RunScriptCoreAsync(string script, ShellIo io, CancellationToken cancellationToken)
    {
        IReadOnlyList<ShellStep> steps;
        try
        {
            steps = ShellSyntax.Parse(script, _variables);
        }
        catch (FormatException e)
        {
            await WriteAsync(io.Stderr, e.Message + "\n", cancellationToken);
            return (2, false);
        }

        var status = 0;
        foreach (var step in steps)
        {
            if ((step.Join == "&&" && status != 0) || (step.Join == "||" && status == 0))
            {
                continue;
            }

            status = await RunPipelineAsync(step.Pipeline, io, cancellationToken);
            if (status == ExitRequested)
            {
                return (_exitCode, true);
            }
        }

        return (status, false);
    }

    private async Task<int> ShAsync(IReadOnlyList<string> argv, ShellIo io, bool tty, CancellationToken cancellationToken)
    {
        if (argv.Count >= 2 && argv[1] == "-c")
        {
            if (argv.Count == 2)
            {
                await WriteAsync(io.Stderr, "sh: -c requires an argument\n", cancellationToken);
                return 2;
            }

            return await RunScriptAsync(argv[2], io, cancellationToken);
        }

        if (argv.Count >= 2 && !argv[1].StartsWith('-'))
        {
            FileSystemNode? file;
            string error;
            lock (FileSystem.Gate)
            {
                file = FileSystem.Find(argv[1], out error);
            }

            if (file is not FileNode script)
            {
                await WriteAsync(io.Stderr, $"sh: can't open '{argv[1]}': {(file is null ? error : ContainerView.IsADirectory)}\n", cancellationToken);
                return 2;
            }

            return await RunScriptAsync(Encoding.UTF8.GetString(script.Content), io, cancellationToken);
        }

        return tty ? await InteractiveAsync(io, cancellationToken) : await ScriptFromStdinAsync(io, cancellationToken);
    }

    /// <summary>
    /// <c>sh</c> without a terminal: runs each line as it arrives on stdin (a client can write a command, read its output,
    /// then write the next), until stdin ends or <c>exit</c>.
    /// </summary>
    private async Task<int> ScriptFromStdinAsync(ShellIo io, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(io.Stdin, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var status = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            (status, var exited) = await RunScriptCoreAsync(line, io, cancellationToken);
            if (exited)
            {
                break;
            }
        }

        return status;
    }

    /// <summary>A shell on a terminal: prompt, echo what is typed, run each line; ^D on an empty line or exit leaves.</summary>
    private async Task<int> InteractiveAsync(ShellIo io, CancellationToken cancellationToken)
    {
        var status = 0;
        var line = new StringBuilder();
        var buffer = new byte[1024];
        await WriteAsync(io.Stdout, Prompt, cancellationToken);
        while (true)
        {
            var read = await io.Stdin.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return status;
            }

            var echo = new StringBuilder();
            foreach (var c in Encoding.UTF8.GetString(buffer, 0, read))
            {
                switch (c)
                {
                    case '\r' or '\n':
                        await WriteAsync(io.Stdout, echo + "\r\n", cancellationToken);
                        echo.Clear();
                        var terminal = new TerminalOutput(io.Stdout);
                        (status, var exited) = await RunScriptCoreAsync(line.ToString(), io with { Stdout = terminal, Stderr = terminal }, cancellationToken);
                        line.Clear();
                        if (exited)
                        {
                            return status;
                        }

                        echo.Append(Prompt);
                        break;
                    case '\u0004' when line.Length == 0:
                        await WriteAsync(io.Stdout, echo + "\r\n", cancellationToken);
                        return status;
                    case '\u0003':
                        line.Clear();
                        echo.Append("^C\r\n").Append(Prompt);
                        break;
                    case '\u007f' or '\b':
                        if (line.Length > 0)
                        {
                            line.Length--;
                            echo.Append("\b \b");
                        }

                        break;
                    default:
                        if (!char.IsControl(c))
                        {
                            line.Append(c);
                            echo.Append(c);
                        }

                        break;
                }
            }

            await WriteAsync(io.Stdout, echo.ToString(), cancellationToken);
        }
    }

    private string Prompt => FileSystem.WorkingDirectory + " # ";

    private async Task<int> RunPipelineAsync(ShellPipeline pipeline, ShellIo io, CancellationToken cancellationToken)
    {
        var stdin = io.Stdin;
        var status = 0;
        for (var i = 0; i < pipeline.Commands.Count; i++)
        {
            var last = i == pipeline.Commands.Count - 1;
            var stdout = last ? io.Stdout : new MemoryStream();
            status = await RunCommandAsync(pipeline.Commands[i], io with { Stdin = stdin, Stdout = stdout }, cancellationToken);
            if (status == ExitRequested)
            {
                return status;
            }

            if (!last)
            {
                stdout.Position = 0;
                stdin = stdout;
            }
        }

        return status;
    }

    private async Task<int> RunCommandAsync(ShellCommand command, ShellIo io, CancellationToken cancellationToken)
    {
        var outputs = new List<(ShellRedirect Redirect, MemoryStream Buffer)>();
        foreach (var redirect in command.Redirects)
        {
            if (redirect.Operator == "<")
            {
                FileSystemNode? node;
                string error;
                lock (FileSystem.Gate)
                {
                    node = redirect.Target == "/dev/null" ? new FileNode([], 0666, Time.GetUtcNow()) : FileSystem.Find(redirect.Target, out error);
                }

                if (node is not FileNode file)
                {
                    await WriteAsync(io.Stderr, $"sh: can't open '{redirect.Target}': {ContainerView.NoSuchFile}\n", cancellationToken);
                    return 1;
                }

                io = io with { Stdin = new MemoryStream(file.Content, writable: false) };
            }
            else if (redirect.Operator == ">&")
            {
                io = redirect.Descriptor == 2 ? io with { Stderr = io.Stdout } : io with { Stdout = io.Stderr };
            }
            else
            {
                var buffer = new MemoryStream();
                if (redirect.Target != "/dev/null")
                {
                    outputs.Add((redirect, buffer));
                }

                io = redirect.Descriptor == 2 ? io with { Stderr = buffer } : io with { Stdout = buffer };
            }
        }

        var status = await RunAsync(command.Words, io, tty: false, cancellationToken);
        foreach (var (redirect, buffer) in outputs)
        {
            string error;
            lock (FileSystem.Gate)
            {
                var content = buffer.ToArray();
                if (redirect.Operator == ">>" && FileSystem.Find(redirect.Target, out _) is FileNode existing)
                {
                    content = [.. existing.Content, .. content];
                }

                error = FileSystem.WriteFile(redirect.Target, content, 0644);
            }

            if (error.Length > 0)
            {
                await WriteAsync(io.Stderr, $"sh: can't create {redirect.Target}: {error}\n", cancellationToken);
                return 1;
            }
        }

        return status;
    }
}
