using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Hosting;

namespace FakeApiServer.Faults;

/// <summary>
/// Disk faults under a running server, with real mechanisms: the data folder is a small tmpfs mount, so the
/// disk really fills up, and a read-only remount makes it really read-only (root ignores chmod). Writes must
/// fail with a 5xx Status while reads keep answering from memory; when space (or write access) returns, the
/// same server writes again without a restart; a restart finds every acknowledged write and none of the
/// failed ones. A database file of garbage must stop start-up with one clear line and a non-zero exit code,
/// and stay byte for byte as it was.
/// </summary>
internal sealed class DiskFaultScenario(FaultBudget budget, int seed, string workDirectory, TextWriter log)
{
    private const string Collection = "api/v1/namespaces/default/configmaps";

    private readonly ScenarioReport _report = new("disk", seed);
    private readonly Random _random = new(seed);
    private readonly List<string> _acknowledged = [];
    private readonly List<string> _failed = [];

    public async Task<ScenarioReport> RunAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var rounds = (int)Math.Clamp(budget.Count, 1, 20);
        var mount = Path.Combine(workDirectory, "tmpfs");
        Directory.CreateDirectory(mount);
        if (!await RunAsync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mount], cancellationToken))
        {
            _report.Fail("cannot mount a tmpfs (the disk scenario needs root, or CAP_SYS_ADMIN, to fill a real disk)");
            return _report;
        }

        try
        {
            var data = Path.Combine(mount, "data");
            await using (var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { DataDir = data }, cancellationToken))
            {
                using var http = new HttpClient { BaseAddress = cluster.BaseAddress };
                for (var round = 0; round < rounds && TimeProvider.System.GetElapsedTime(started) < budget.Time; round++)
                {
                    await FillAndRecoverAsync(http, mount, round, cancellationToken);
                    await ReadOnlyAndRecoverAsync(http, mount, round, cancellationToken);
                    _report.Add("rounds (full disk, recovered)", 1);
                }
            }

            // A restart on the same folder: everything acknowledged, nothing that failed.
            await using (var restarted = await FakeCluster.StartAsync(new FakeClusterOptions { DataDir = data }, cancellationToken))
            {
                using var http = new HttpClient { BaseAddress = restarted.BaseAddress };
                var names = await ListNamesAsync(http, cancellationToken);
                var lost = _acknowledged.Where(n => !names.Contains(n)).ToList();
                var ghosts = _failed.Where(names.Contains).ToList();
                _report.Set("acknowledged writes checked after restart", _acknowledged.Count);
                _report.Set("acknowledged writes lost", lost.Count);
                _report.Set("failed writes found after restart", ghosts.Count);
                foreach (var name in lost.Take(10))
                {
                    _report.Fail($"{name} was acknowledged but is missing after the restart");
                }

                foreach (var name in ghosts.Take(10))
                {
                    _report.Fail($"{name} failed with a 5xx but exists after the restart");
                }
            }
        }
        finally
        {
            await RunAsync("umount", [mount], CancellationToken.None);
        }

        await CorruptDatabaseAsync(cancellationToken);
        _report.Elapsed = TimeProvider.System.GetElapsedTime(started);
        return _report;
    }

    private async Task FillAndRecoverAsync(HttpClient http, string mount, int round, CancellationToken cancellationToken)
    {
        // Leave 2 MiB free, then fill the disk with 64 KiB objects until a write fails.
        await ResizeAsync(mount, 2, cancellationToken);
        var failedAt = -1;
        for (var i = 0; i < 2000 && failedAt < 0; i++)
        {
            var name = $"full-{round}-{i}";
            var (status, body) = await CreateAsync(http, name, 64 * 1024, cancellationToken);
            if (status == HttpStatusCode.Created)
            {
                _acknowledged.Add(name);
                continue;
            }

            failedAt = i;
            _failed.Add(name);
            CheckWriteFailure(status, body, "full disk");
        }

        if (failedAt < 0)
        {
            _report.Fail("the disk never filled up");
            return;
        }

        // Still full: more writes fail, reads keep working, and the failed write is nowhere.
        for (var i = 0; i < 3; i++)
        {
            var name = $"full-{round}-more-{i}";
            var (status, body) = await CreateAsync(http, name, 64 * 1024, cancellationToken);
            if (status == HttpStatusCode.Created)
            {
                _acknowledged.Add(name); // SQLite found a free page; fine, as long as it is durable.
                continue;
            }

            _failed.Add(name);
            CheckWriteFailure(status, body, "full disk");
        }

        await CheckReadsAsync(http, "full disk", cancellationToken);

        // Space returns: the same server writes again.
        await ResizeAsync(mount, 64, cancellationToken);
        await CheckRecoveryAsync(http, $"full-{round}-after", "full disk", cancellationToken);
        log.WriteLine($"disk round {round}: full after {failedAt} writes, recovered");
    }

    private async Task ReadOnlyAndRecoverAsync(HttpClient http, string mount, int round, CancellationToken cancellationToken)
    {
        // Linux refuses to remount a file system read-only while a file on it is open for writing (EBUSY), and
        // the server keeps its database open: say so rather than pretend (docs/benchmarks.md).
        if (!await RunAsync("mount", ["-o", "remount,ro", mount], cancellationToken))
        {
            if (_report.Notes.All(n => !n.StartsWith("read-only", StringComparison.Ordinal)))
            {
                _report.Note("read-only remount refused while the database is open (EBUSY): read-only disk not exercised");
            }

            return;
        }

        for (var i = 0; i < 3; i++)
        {
            var name = $"ro-{round}-{i}";
            var (status, body) = await CreateAsync(http, name, _random.Next(10, 1000), cancellationToken);
            if (status == HttpStatusCode.Created)
            {
                _report.Fail($"{name} was acknowledged on a read-only disk");
                _acknowledged.Add(name);
                continue;
            }

            _failed.Add(name);
            CheckWriteFailure(status, body, "read-only disk");
        }

        await CheckReadsAsync(http, "read-only disk", cancellationToken);
        await RunAsync("mount", ["-o", "remount,rw", mount], cancellationToken);
        await CheckRecoveryAsync(http, $"ro-{round}-after", "read-only disk", cancellationToken);
    }

    /// <summary>Sets the tmpfs size to what is in use plus <paramref name="freeMiB"/>.</summary>
    private static async Task ResizeAsync(string mount, int freeMiB, CancellationToken cancellationToken)
    {
        var drive = new DriveInfo(mount);
        var usedKiB = (drive.TotalSize - drive.AvailableFreeSpace) / 1024;
        var size = usedKiB + (freeMiB * 1024);
        if (!await RunAsync("mount", ["-o", $"remount,size={size}k", mount], cancellationToken))
        {
            throw new InvalidOperationException($"cannot resize the tmpfs at {mount} to {size} KiB");
        }
    }

    private void CheckWriteFailure(HttpStatusCode status, JsonNode? body, string fault)
    {
        _report.Add($"writes refused on a {fault}", 1);
        var code = (int)status;
        if (code < 500)
        {
            _report.Fail($"a write on a {fault} answered {code}, not a 5xx: {body?.ToJsonString()}");
        }
        else if (body is null || KubeHttp.StatusProblem(code, body.ToJsonString()) is { } problem)
        {
            _report.Fail($"a write on a {fault} answered {code} without a proper Status: {body?.ToJsonString()}");
        }
        else if (_report.Notes.Count < 2 && !_report.Notes.Any(n => n.Contains(fault, StringComparison.Ordinal)))
        {
            _report.Note($"a write on a {fault} answers {code} {(string?)body["reason"]}: {(string?)body["message"]}");
        }
    }

    private async Task CheckReadsAsync(HttpClient http, string fault, CancellationToken cancellationToken)
    {
        var names = await ListNamesAsync(http, cancellationToken);
        foreach (var name in _acknowledged.Where(n => !names.Contains(n)).Take(5))
        {
            _report.Fail($"on a {fault} the list lacks acknowledged {name}");
        }

        foreach (var name in _failed.Where(names.Contains).Take(5))
        {
            _report.Fail($"on a {fault} the list shows {name}, whose write failed");
        }

        var sample = _acknowledged[_random.Next(_acknowledged.Count)];
        var (status, _) = await KubeHttp.SendAsync(http, HttpMethod.Get, $"{Collection}/{sample}", null, cancellationToken);
        if (status != HttpStatusCode.OK)
        {
            _report.Fail($"on a {fault} GET {sample} answered {(int)status}");
        }

        _report.Add($"reads answered on a {fault}", 2);
    }

    private async Task CheckRecoveryAsync(HttpClient http, string name, string fault, CancellationToken cancellationToken)
    {
        var (status, body) = await CreateAsync(http, name, 1024, cancellationToken);
        if (status == HttpStatusCode.Created)
        {
            _acknowledged.Add(name);
            _report.Add($"recoveries from a {fault} without restart", 1);
        }
        else
        {
            _failed.Add(name);
            _report.Fail($"after the {fault} was fixed, a write still answered {(int)status}: {body?.ToJsonString()}");
        }
    }

    private async Task CorruptDatabaseAsync(CancellationToken cancellationToken)
    {
        var data = Path.Combine(workDirectory, "corrupt");
        Directory.CreateDirectory(data);
        var file = Path.Combine(data, "fakeapiserver.db");
        var garbage = new byte[64 * 1024];
        _random.NextBytes(garbage);
        await File.WriteAllBytesAsync(file, garbage, cancellationToken);
        var before = SHA256.HashData(garbage);

        using var server = ServerProcess.Start("--port=0", "--data-dir", data);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        int code;
        try
        {
            code = await server.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _report.Fail("the server started on a corrupt database (it did not exit within 60 s)");
            return;
        }

        var stderr = server.Stderr.Trim();
        var after = SHA256.HashData(await File.ReadAllBytesAsync(file, cancellationToken));
        _report.Set("corrupt database: exit code", code);
        if (code == 0)
        {
            _report.Fail("the server exited with 0 on a corrupt database");
        }

        if (stderr.Split('\n').Length != 1 || !stderr.StartsWith("fakeapiserver: ", StringComparison.Ordinal))
        {
            _report.Fail($"on a corrupt database stderr is not one 'fakeapiserver: ...' line: {stderr[..Math.Min(stderr.Length, 600)]}");
        }
        else
        {
            _report.Note("corrupt database: " + stderr);
        }

        if (!before.AsSpan().SequenceEqual(after))
        {
            _report.Fail("the corrupt database file was changed");
        }
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> CreateAsync(HttpClient http, string name, int size, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name },
            ["data"] = new JsonObject { ["k"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(size * 3 / 4)) },
        };
        return await KubeHttp.SendAsync(http, HttpMethod.Post, Collection, KubeHttp.Json(body.ToJsonString()), cancellationToken);
    }

    private static async Task<HashSet<string>> ListNamesAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var (status, list) = await KubeHttp.SendAsync(http, HttpMethod.Get, Collection, null, cancellationToken);
        if (status != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"listing answered {(int)status}: {list?.ToJsonString()}");
        }

        return list!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
    }

    private static async Task<bool> RunAsync(string command, string[] arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode == 0;
    }
}
