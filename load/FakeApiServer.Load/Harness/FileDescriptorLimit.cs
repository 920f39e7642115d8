using System.Diagnostics;
using System.Globalization;

namespace FakeApiServer.Load.Harness;

/// <summary>
/// The open-file limit of this process. A fan-out of 10,000 watchers holds 10,000 descriptors here; the limit is raised
/// with util-linux `prlimit` when it is too low (raising the hard limit needs CAP_SYS_RESOURCE), and the scenario says
/// so when it cannot be.
/// </summary>
internal static class FileDescriptorLimit
{
    /// <summary>The soft limit of open files, or null when it cannot be read (not Linux).</summary>
    public static long? Current()
    {
        const string Path = "/proc/self/limits";
        if (!File.Exists(Path))
        {
            return null;
        }

        var line = File.ReadLines(Path).FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: > 3 } && long.TryParse(fields[3], CultureInfo.InvariantCulture, out var soft) ? soft : null;
    }

    /// <summary>Raises the limit to at least <paramref name="needed"/> if it is lower; returns a note when it is still lower.</summary>
    public static async Task<string?> EnsureAtLeastAsync(long needed, CancellationToken cancellationToken)
    {
        if (Current() is not { } limit || limit >= needed)
        {
            return null;
        }

        try
        {
            var info = new ProcessStartInfo("prlimit") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            info.ArgumentList.Add("--pid");
            info.ArgumentList.Add(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            info.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"--nofile={needed}:{needed}"));
            using var process = Process.Start(info)!;
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No prlimit: reported below.
        }

        return Current() is { } now && now >= needed
            ? null
            : $"open-file limit {limit:N0} is below the {needed:N0} this needs and could not be raised (prlimit as root, or ulimit -n before starting)";
    }
}
