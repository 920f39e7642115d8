using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// kubectl logs and exec (and a raw port-forward) against simulated containers: a clear BadRequest Status saying so (not a 404
/// "the server could not find the requested resource"), and a 404 for a pod that does not exist.
/// </summary>
public sealed class ContainerStreamsTests
{
    private const string Simulated = "containers are simulated by fakeapiserver, which serves no container logs, exec, attach or port-forward";

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Logs_exec_and_port_forward_say_that_containers_are_simulated(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("run", "web", "--image=nginx:1.27")).Succeeded();

        (await kubectl.RunAsync("exec", "web", "--", "ls")).FailedWith($"Error from server (BadRequest): cannot serve exec for pod \"web\": {Simulated}");
        var missing = await kubectl.RunAsync("logs", "missing");

        // kubectl port-forward refuses a pod that is not Running before it asks the server; the raw request gets the Status.
        using var http = cluster.CreateHttpClient();
        using var portForward = await http.PostAsync("/api/v1/namespaces/default/pods/web/portforward?ports=80", null, timeout.Token);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, portForward.StatusCode);
        Assert.Contains($"cannot serve port-forward for pod \\\"web\\\": {Simulated}", await portForward.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);

        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("(NotFound): pods \"missing\" not found", missing.Stderr, StringComparison.Ordinal);
    }
}
