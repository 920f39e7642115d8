using System.Diagnostics;
using FakeApiServer.Testing.Etcd;
using k8s;
using Xunit.Abstractions;

namespace FakeApiServer.EndToEnd.Tests.Etcd;

/// <summary>
/// A replica on an etcd that demands client TLS (https client URLs, --client-cert-auth): with --etcd-cafile,
/// --etcd-certfile and --etcd-keyfile it stores and serves objects; with a CA that did not sign etcd's certificate it
/// refuses to start and says why.
/// </summary>
public sealed class EtcdTlsTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fakeapiserver-etcd-tls-").FullName;

    [Fact]
    public async Task A_replica_with_the_ca_and_a_client_certificate_stores_objects_in_etcd_over_tls()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = cts.Token;
        var tls = EtcdTlsFiles.Create(Path.Combine(_folder, "pki"));
        await using var etcd = await EtcdCluster.StartAsync(1, tls, ct);
        var dataDir = Directory.CreateDirectory(Path.Combine(_folder, "replica")).FullName;

        await using var replica = await ReplicaProcess.StartAsync("replica-0", etcd.Endpoints, dataDir,
            ["--etcd-cafile", tls.CaFile, "--etcd-certfile", tls.ClientCertFile, "--etcd-keyfile", tls.ClientKeyFile], ct);
        using var client = replica.Client();
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(E2E.ConfigMap("over-tls", data: ("color", "blue")), "default", cancellationToken: ct);
        var read = await client.CoreV1.ReadNamespacedConfigMapAsync("over-tls", "default", cancellationToken: ct);
        var stored = await EtcdctlAsync(etcd.Endpoints, tls, ct, "get", "/registry/configmaps/default/over-tls", "--print-value-only");

        Assert.StartsWith("https://", etcd.Endpoints, StringComparison.Ordinal);
        Assert.Equal(created.Metadata.ResourceVersion, read.Metadata.ResourceVersion);
        Assert.Equal("blue", read.Data["color"]);
        Assert.Contains("\"name\":\"over-tls\"", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replica_with_a_ca_that_did_not_sign_etcds_certificate_does_not_start_and_says_why()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = cts.Token;
        var tls = EtcdTlsFiles.Create(Path.Combine(_folder, "pki"));
        var other = EtcdTlsFiles.Create(Path.Combine(_folder, "other-pki"));
        await using var etcd = await EtcdCluster.StartAsync(1, tls, ct);
        var dataDir = Directory.CreateDirectory(Path.Combine(_folder, "replica")).FullName;

        var (exitCode, log) = await ReplicaProcess.RunToExitAsync(etcd.Endpoints, dataDir,
            ["--etcd-cafile", other.CaFile, "--etcd-certfile", tls.ClientCertFile, "--etcd-keyfile", tls.ClientKeyFile], ct);
        output.WriteLine(log);

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"fakeapiserver: cannot reach etcd at {etcd.Endpoints}/: ", log.Split('\n').Single(l => l.StartsWith("fakeapiserver:", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains($"(etcd's certificate is not signed by the CA in --etcd-cafile {other.CaFile})", log, StringComparison.Ordinal);
        Assert.DoesNotContain("is serving on", log, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left to the system.
        }
    }

    private static async Task<string> EtcdctlAsync(string endpoints, EtcdTlsFiles tls, CancellationToken cancellationToken, params string[] args)
    {
        var info = new ProcessStartInfo("etcdctl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--endpoints", endpoints, "--cacert", tls.CaFile, "--cert", tls.ClientCertFile, "--key", tls.ClientKeyFile }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["ETCDCTL_API"] = "3";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        Assert.True(process.ExitCode == 0, "etcdctl failed: " + await stderr);
        return await stdout;
    }
}
