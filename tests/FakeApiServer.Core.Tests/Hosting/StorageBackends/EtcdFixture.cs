using System.Diagnostics;
using System.Text.Json.Nodes;
using FakeApiServer.Hosting.StorageBackends;
using FakeApiServer.Testing;
using FakeApiServer.Testing.Etcd;

namespace FakeApiServer.Tests.Hosting.StorageBackends;

/// <summary>One single-member etcd for a test class; each test keeps to its own key prefix.</summary>
public sealed class EtcdFixture : IAsyncLifetime
{
    /// <summary>
    /// How long one etcd test may take before it is cancelled: each replica writes its start-up objects as etcd
    /// transactions, which on a machine shared by many builds takes longer than the in-memory store's tests.
    /// </summary>
    public static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    private EtcdCluster? _etcd;

    public EtcdCluster Etcd => _etcd ?? throw new InvalidOperationException("etcd has not started");

    /// <summary>Options for a cluster on this etcd under <paramref name="prefix"/>, compaction off unless asked for.</summary>
    public FakeClusterOptions Options(string prefix, TimeSpan? compactionInterval = null) => new()
    {
        Storage = new StorageBackendOptions
        {
            Backend = StorageBackendOptions.Etcd3,
            EtcdServers = Etcd.ClientUrls,
            EtcdPrefix = prefix,
            EtcdCompactionInterval = compactionInterval ?? TimeSpan.Zero,
        },
    };

    public async Task InitializeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _etcd = await EtcdCluster.StartAsync(1, cts.Token);
    }

    public async Task DisposeAsync()
    {
        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }
    }

    /// <summary>etcdctl's JSON answer for one key (<c>etcdctl get KEY -w json</c>): its kvs, each with key, value (decoded) and revisions.</summary>
    public async Task<IReadOnlyList<(string Key, JsonObject Value, long ModRevision)>> GetAsync(string key, CancellationToken cancellationToken, bool prefix = false)
    {
        var info = new ProcessStartInfo("etcdctl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "--endpoints", Etcd.Endpoints, "get", key, "-w", "json" }.Concat(prefix ? ["--prefix"] : []))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["ETCDCTL_API"] = "3";
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0, "etcdctl failed: " + error);
        var kvs = JsonNode.Parse(output)?["kvs"]?.AsArray() ?? [];
        return kvs.Select(kv => (
            System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)kv!["key"]!)),
            JsonNode.Parse(Convert.FromBase64String((string)kv["value"]!))!.AsObject(),
            (long)kv["mod_revision"]!)).ToList();
    }
}
