using FakeApiServer.Controllers;
using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>Jobs and pod lifecycle stages with real kubectl: a job whose pods exit 0 completes, a crash-looping pod shows CrashLoopBackOff.</summary>
public sealed class JobTests
{
    private const string JobsExit0 = """
        stages:
        - selector:
            matchExpressions:
            - {key: batch.kubernetes.io/job-name, operator: Exists}
          exitAfter: 0s
          exitCode: 0
        """;

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Create_job_with_a_stage_that_exits_0_completes_and_wait_for_condition_complete_returns(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        var stages = Path.Combine(Path.GetTempPath(), "pod-stages-" + Guid.NewGuid().ToString("N") + ".yaml");
        await File.WriteAllTextAsync(stages, JobsExit0, ct);
        try
        {
            await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.All, PodStagesFile = stages }, ct);
            using var kubectl = Kubectl.For(cluster, version);

            (await kubectl.RunAsync("create", "job", "pi", "--image=x")).Succeeded();
            var wait = await kubectl.RunAsync(["wait", "--for=condition=complete", "job/pi", "--timeout=60s"], TimeSpan.FromSeconds(75));

            Assert.Equal("job.batch/pi condition met", wait.Succeeded().Stdout.Trim());
            var job = (await kubectl.RunAsync("get", "job", "pi")).Succeeded();
            Assert.Equal("1/1", job.Row("pi")[job.Header().ToList().IndexOf("COMPLETIONS")]);
            var pods = (await kubectl.RunAsync("get", "pods", "-l", "job-name=pi")).Succeeded();
            var pod = Assert.Single(pods.Lines.Skip(1));
            Assert.Equal("Completed", KubectlResult.Columns(pod)[2]);
        }
        finally
        {
            File.Delete(stages);
        }
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Get_pods_shows_a_crash_looping_pod_in_CrashLoopBackOff(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.All }, ct);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = kubectl.WriteFile("crash.yaml", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: crash
              annotations:
                fakeapiserver.io/exit-code: "1"
            spec:
              containers:
              - name: main
                image: busybox:1.36
            """);

        (await kubectl.RunAsync("apply", "-f", manifest)).Succeeded();

        IReadOnlyList<string> row = [];
        await E2E.EventuallyAsync(async () =>
        {
            var pods = await kubectl.RunAsync("get", "pod", "crash");
            row = pods.ExitCode == 0 && pods.Lines.Count == 2 ? pods.Row("crash") : [];
            return row.Count > 2 && row[2] == "CrashLoopBackOff";
        }, "the pod is in CrashLoopBackOff", ct);
        Assert.Equal(["crash", "0/1", "CrashLoopBackOff", "1"], row.Take(4));
    }
}
