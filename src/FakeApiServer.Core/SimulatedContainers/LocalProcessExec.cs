using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// --exec=local: an exec no rule answers runs its command as a process of the server's own host, as kwok's
/// ClusterExec does, with the container's environment added to the server's, in <paramref name="workingDirectory"/>, and
/// stdin, stdout and stderr wired to the client's. Whoever can exec into a pod then runs anything the server's user
/// can; it is off unless asked for, and the server warns at start.
/// </summary>
internal sealed class LocalProcessExec(string workingDirectory)
{
    public async Task<int> RunAsync(IReadOnlyList<string> command, IReadOnlyList<KeyValuePair<string, string>> environment, IContainerStreams streams, CancellationToken cancellationToken)
    {
        if (command.Count == 0)
        {
            return 0;
        }

        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment.Where(p => p.Key is not ("PATH" or "HOME" or "HOSTNAME")))
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("the process did not start");
        }
        catch (Win32Exception e)
        {
            if ((streams.Tty ? streams.Stdout : streams.Stderr) is { } errors)
            {
                await errors.WriteAsync(Encoding.UTF8.GetBytes($"sh: {command[0]}: {e.Message}\n"), cancellationToken);
            }

            return 127;
        }

        using (process)
        {
            var stdout = process.StandardOutput.BaseStream.CopyToAsync(streams.Stdout ?? Stream.Null, cancellationToken);
            var stderr = process.StandardError.BaseStream.CopyToAsync((streams.Tty ? streams.Stdout : streams.Stderr) ?? Stream.Null, cancellationToken);
            var stdin = CopyStdinAsync(streams.Stdin, process, cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
                await Task.WhenAll(stdout, stderr);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            _ = stdin.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return process.ExitCode;
        }
    }

    private static async Task CopyStdinAsync(Stream? stdin, Process process, CancellationToken cancellationToken)
    {
        try
        {
            if (stdin is not null)
            {
                await stdin.CopyToAsync(process.StandardInput.BaseStream, cancellationToken);
            }
        }
        catch (IOException)
        {
            // The process closed its stdin (or exited) first.
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                // Already gone.
            }
        }
    }
}
