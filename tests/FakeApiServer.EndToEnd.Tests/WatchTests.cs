using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>kubectl get -w: a Table list, then a Table watch from its resourceVersion; get NAME -w: a watch from RV 0.</summary>
public sealed class WatchTests
{
    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Get_watch_prints_a_line_per_change(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        var configMaps = cluster.Client.CoreV1;
        await configMaps.CreateNamespacedConfigMapAsync(E2E.ConfigMap("before", data: ("a", "1")), "default", cancellationToken: ct);

        await using var watch = kubectl.Start("get", "cm", "-w");
        var header = await watch.WaitForLineAsync(c => c is ["NAME", "DATA", "AGE"], 0, E2E.Wait, "with the header");
        var initial = await watch.WaitForLineAsync(c => c is ["before", "1", _], header, E2E.Wait, "with the initial configmap");

        // The list's resourceVersion is where the watch starts, so changes made from now on are all seen.
        await configMaps.CreateNamespacedConfigMapAsync(E2E.ConfigMap("after", data: ("a", "1")), "default", cancellationToken: ct);
        var added = await watch.WaitForLineAsync(c => c is ["after", "1", _], initial + 1, E2E.Wait, "for the added configmap");
        await configMaps.ReplaceNamespacedConfigMapAsync(E2E.ConfigMap("after", data: [("a", "1"), ("b", "2"), ("c", "3")]), "after", "default", cancellationToken: ct);
        var modified = await watch.WaitForLineAsync(c => c is ["after", "3", _], added + 1, E2E.Wait, "for the modified configmap");
        await configMaps.DeleteNamespacedConfigMapAsync("before", "default", cancellationToken: ct);
        await watch.WaitForLineAsync(c => c is ["before", "1", _], modified + 1, E2E.Wait, "for the deleted configmap");

        var result = await watch.StopAsync();
        Assert.True(result.Stderr.Length == 0, "expected an empty stderr: " + result);
        Assert.Equal(5, result.Lines.Count);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Get_watch_with_output_watch_events_names_each_event(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        var configMaps = cluster.Client.CoreV1;

        await configMaps.CreateNamespacedConfigMapAsync(E2E.ConfigMap("x", data: ("a", "1")), "default", cancellationToken: ct);

        // An empty list prints nothing, not even the header, so there is an object from the start.
        await using var watch = kubectl.Start("get", "cm", "-w", "--output-watch-events");
        await watch.WaitForLineAsync(c => c is ["EVENT", "NAME", "DATA", "AGE"], 0, E2E.Wait, "with the header");
        var listed = await watch.WaitForLineAsync(c => c is ["ADDED", "x", "1", _], 1, E2E.Wait, "ADDED (listed)");
        await configMaps.CreateNamespacedConfigMapAsync(E2E.ConfigMap("y", data: ("a", "1")), "default", cancellationToken: ct);
        var added = await watch.WaitForLineAsync(c => c is ["ADDED", "y", "1", _], listed + 1, E2E.Wait, "ADDED");
        await configMaps.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"b":"2"}}""", V1Patch.PatchType.MergePatch), "x", "default", cancellationToken: ct);
        var modified = await watch.WaitForLineAsync(c => c is ["MODIFIED", "x", "2", _], added + 1, E2E.Wait, "MODIFIED");
        await configMaps.DeleteNamespacedConfigMapAsync("x", "default", cancellationToken: ct);
        await watch.WaitForLineAsync(c => c is ["DELETED", "x", "2", _], modified + 1, E2E.Wait, "DELETED");

        var result = await watch.StopAsync();
        Assert.True(result.Stderr.Length == 0, "expected an empty stderr: " + result);
    }

    /// <summary>
    /// get NAME -w watches from resourceVersion 0 and drops the first event, expecting the server's synthetic ADDED
    /// of the current state; without it, the first real change would be lost. A proxy tells when the watch is
    /// open, so the change is certainly made after it (otherwise the ADDED would carry it and be dropped).
    /// --request-timeout bounds the watch; kubectl then ends with exit code 0.
    /// </summary>
    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Get_name_watch_prints_the_first_change_after_the_initial_state(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await using var proxy = RecordingProxy.Start(cluster.BaseAddress);
        using var kubectl = Kubectl.For(cluster, version, proxy.Address);
        var configMaps = cluster.Client.CoreV1;
        await configMaps.CreateNamespacedConfigMapAsync(E2E.ConfigMap("one", data: ("a", "1")), "default", cancellationToken: ct);
        await configMaps.CreateNamespacedConfigMapAsync(E2E.ConfigMap("other", data: ("a", "1")), "default", cancellationToken: ct);

        await using var watch = kubectl.Start("get", "cm", "one", "-w", "--request-timeout=6s");
        var initial = await watch.WaitForLineAsync(c => c is ["one", "1", _], 1, E2E.Wait, "with the initial state");
        await proxy.WaitForAnswerAsync("watch=true", E2E.Wait);

        // A change to another object is filtered out by the field selector; the first change to "one" is printed.
        await configMaps.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"b":"2"}}""", V1Patch.PatchType.MergePatch), "other", "default", cancellationToken: ct);
        await configMaps.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"b":"2"}}""", V1Patch.PatchType.MergePatch), "one", "default", cancellationToken: ct);
        await watch.WaitForLineAsync(c => c is ["one", "2", _], initial + 1, E2E.Wait, "with the first change");

        // The request timeout ends the watch; kubectl exits cleanly.
        using var exit = new CancellationTokenSource(E2E.Wait);
        var result = await watch.WaitForExitAsync(exit.Token);
        Assert.True(result.ExitCode == 0 && result.Stderr.Length == 0, "expected exit code 0 and an empty stderr: " + result);
        Assert.Equal(["one", "one"], result.Lines.Skip(1).Select(l => KubectlResult.Columns(l)[0]));
        var watchRequest = Assert.Single(proxy.Answered, r => r.Contains("watch=true", StringComparison.Ordinal));
        Assert.Contains("fieldSelector=metadata.name%3Done", watchRequest, StringComparison.Ordinal);
        Assert.Contains("resourceVersion=0", watchRequest, StringComparison.Ordinal);
    }
}
