using FakeApiServer.Testing.Etcd;
using k8s;

namespace FakeApiServer.EndToEnd.Tests.Etcd;

/// <summary>
/// Replicas started at the same moment on an empty etcd, as docs/operations.md's commands start them: each creates the
/// built-in objects it finds missing, and those another replica created first are no reason to fail.
/// </summary>
public sealed class ReplicaStartTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fakeapiserver-replica-start-").FullName;

    [Fact]
    public async Task Three_replicas_started_at_once_on_an_empty_etcd_all_serve_the_same_built_in_objects()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var ct = cts.Token;
        await using var etcd = await EtcdCluster.StartAsync(1, ct);

        var starting = Enumerable.Range(0, 3).Select(i => ReplicaProcess.StartAsync(
            "replica-" + i, etcd.Endpoints, Directory.CreateDirectory(Path.Combine(_folder, "replica-" + i)).FullName, ReplicaCluster.LeaderElectionFlags, ct)).ToList();
        var replicas = new List<ReplicaProcess>();
        try
        {
            foreach (var start in starting)
            {
                replicas.Add(await start);
            }

            var apiServices = new List<string>();
            foreach (var replica in replicas)
            {
                using var client = replica.Client();
                var list = await client.ApiregistrationV1.ListAPIServiceAsync(cancellationToken: ct);
                Assert.All(list.Items, s => Assert.Equal("True", s.Status.Conditions.Single(c => c.Type == "Available").Status));
                apiServices.Add(string.Join(",", list.Items.Select(s => $"{s.Metadata.Name}@{s.Metadata.ResourceVersion}")));
            }

            Assert.Contains("v1.apps@", apiServices[0], StringComparison.Ordinal);
            Assert.All(apiServices, a => Assert.Equal(apiServices[0], a));
        }
        finally
        {
            foreach (var start in starting)
            {
                if (start.IsCompletedSuccessfully)
                {
                    await (await start).DisposeAsync();
                }
            }
        }
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
}
