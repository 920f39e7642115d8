using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Controllers.Jobs.JobTestSupport;

namespace FakeApiServer.Tests.Controllers.Jobs;

public sealed class JobControllerTests
{
    [Fact]
    public async Task A_job_whose_container_exits_0_completes_with_upstreams_conditions_status_and_pod_labels()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartAsync(time, ct);
        var client = cluster.Client;

        var created = await client.BatchV1.CreateNamespacedJobAsync(Job("pi", Exits(0)), "default", cancellationToken: ct);

        var job = await WaitForJobAsync(client, "pi", j => j.Has("Complete"), ct);
        Assert.Equal(1, job.Status.Succeeded);
        Assert.Null(job.Status.Failed);
        Assert.Null(job.Status.Active);
        Assert.Equal(0, job.Status.Ready);
        Assert.Equal(0, job.Status.Terminating);
        Assert.NotNull(job.Status.StartTime);
        Assert.NotNull(job.Status.CompletionTime);
        Assert.NotNull(job.Status.UncountedTerminatedPods);
        Assert.Null(job.Status.UncountedTerminatedPods.Succeeded);
        var complete = job.Condition("Complete")!;
        Assert.Equal("CompletionsReached", complete.Reason);
        Assert.Equal("Reached expected number of succeeded pods", complete.Message);
        Assert.Equal("True", job.Condition("SuccessCriteriaMet")?.Status);
        var pod = Assert.Single(await PodsOfAsync(client, "pi", ct));
        Assert.StartsWith("pi-", pod.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal(created.Metadata.Uid, pod.Metadata.Labels["batch.kubernetes.io/controller-uid"]);
        Assert.Equal("pi", pod.Metadata.Labels["job-name"]);
        var owner = Assert.Single(pod.Metadata.OwnerReferences);
        Assert.Equal(("Job", "pi", true), (owner.Kind, owner.Name, owner.Controller == true));
        Assert.Equal("Succeeded", pod.Status.Phase);
        await EventuallyAsync(async () => (await PodsOfAsync(client, "pi", ct)).Single().Metadata.Finalizers?.Contains("batch.kubernetes.io/job-tracking") != true, ct);
        var events = await client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=pi", cancellationToken: ct);
        Assert.Contains(events.Items, e => e.Reason == "SuccessfulCreate" && e.Message == "Created pod: " + pod.Metadata.Name);
        Assert.Contains(events.Items, e => e.Reason == "Completed" && e.Message == "Job completed");
    }

    [Fact]
    public async Task A_failing_job_is_retried_after_upstreams_back_off_and_fails_with_BackoffLimitExceeded()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartAsync(time, ct);
        var client = cluster.Client;
        var spec = Job("fails", Exits(1));
        spec.Spec.BackoffLimit = 2;

        await client.BatchV1.CreateNamespacedJobAsync(spec, "default", cancellationToken: ct);

        // The first failure: no new pod until the 10 s back-off has passed on the job's clock.
        await WaitForJobAsync(client, "fails", j => j.Status?.Failed == 1, ct);
        Assert.Single(await PodsOfAsync(client, "fails", ct));
        time.Advance(TimeSpan.FromSeconds(8));
        Assert.Single(await PodsOfAsync(client, "fails", ct));
        time.Advance(TimeSpan.FromSeconds(3));
        await WaitForJobAsync(client, "fails", j => j.Status?.Failed == 2, ct);

        // The second: 20 s.
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, (await PodsOfAsync(client, "fails", ct)).Count);
        time.Advance(TimeSpan.FromSeconds(11));
        var job = await WaitForJobAsync(client, "fails", j => j.Has("Failed"), ct);

        Assert.Equal(3, job.Status.Failed);
        Assert.Equal(3, (await PodsOfAsync(client, "fails", ct)).Count);
        var failed = job.Condition("Failed")!;
        Assert.Equal("BackoffLimitExceeded", failed.Reason);
        Assert.Equal("Job has reached the specified backoff limit", failed.Message);
        Assert.Equal("BackoffLimitExceeded", job.Condition("FailureTarget")?.Reason);
        Assert.Null(job.Status.CompletionTime);
        var events = await client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=fails", cancellationToken: ct);
        Assert.Contains(events.Items, e => e.Type == "Warning" && e.Reason == "BackoffLimitExceeded");
    }

    [Fact]
    public async Task An_indexed_jobs_pods_carry_their_index_as_annotation_label_env_and_hostname()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartAsync(time, ct);
        var client = cluster.Client;
        var spec = Job("indexed", Exits(0));
        (spec.Spec.Completions, spec.Spec.Parallelism, spec.Spec.CompletionMode) = (3, 3, "Indexed");

        await client.BatchV1.CreateNamespacedJobAsync(spec, "default", cancellationToken: ct);

        var job = await WaitForJobAsync(client, "indexed", j => j.Has("Complete"), ct);
        Assert.Equal("0-2", job.Status.CompletedIndexes);
        Assert.Equal(3, job.Status.Succeeded);
        var pods = (await PodsOfAsync(client, "indexed", ct)).OrderBy(p => p.Metadata.Annotations["batch.kubernetes.io/job-completion-index"], StringComparer.Ordinal).ToList();
        Assert.Equal(3, pods.Count);
        for (var i = 0; i < 3; i++)
        {
            var index = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.StartsWith($"indexed-{i}-", pods[i].Metadata.Name, StringComparison.Ordinal);
            Assert.Equal(index, pods[i].Metadata.Labels["batch.kubernetes.io/job-completion-index"]);
            Assert.Equal($"indexed-{i}", pods[i].Spec.Hostname);
            var env = Assert.Single(pods[i].Spec.Containers[0].Env);
            Assert.Equal("JOB_COMPLETION_INDEX", env.Name);
            Assert.Equal("metadata.annotations['batch.kubernetes.io/job-completion-index']", env.ValueFrom.FieldRef.FieldPath);
        }
    }

    [Fact]
    public async Task Parallelism_bounds_the_running_pods_until_completions_succeeded()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartAsync(time, ct);
        var client = cluster.Client;
        var spec = Job("batch", Exits(0, after: "30s"));
        (spec.Spec.Completions, spec.Spec.Parallelism) = (4, 2);

        await client.BatchV1.CreateNamespacedJobAsync(spec, "default", cancellationToken: ct);

        var job = await WaitForJobAsync(client, "batch", j => j.Status?.Ready == 2, ct);
        Assert.Equal(2, job.Status.Active);
        Assert.Equal(2, (await PodsOfAsync(client, "batch", ct)).Count);
        time.Advance(TimeSpan.FromSeconds(31));
        job = await WaitForJobAsync(client, "batch", j => j.Status?.Succeeded == 2 && j.Status.Ready == 2, ct);
        Assert.Equal(4, (await PodsOfAsync(client, "batch", ct)).Count);
        time.Advance(TimeSpan.FromSeconds(31));
        job = await WaitForJobAsync(client, "batch", j => j.Has("Complete"), ct);
        Assert.Equal(4, job.Status.Succeeded);
        Assert.Equal(4, (await PodsOfAsync(client, "batch", ct)).Count);
    }

    [Fact]
    public async Task ActiveDeadlineSeconds_fails_the_job_with_DeadlineExceeded_and_deletes_its_pods()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartAsync(time, ct);
        var client = cluster.Client;
        var spec = Job("slow");
        spec.Spec.ActiveDeadlineSeconds = 30;

        await client.BatchV1.CreateNamespacedJobAsync(spec, "default", cancellationToken: ct);
        await WaitForJobAsync(client, "slow", j => j.Status?.Ready == 1, ct);
        time.Advance(TimeSpan.FromSeconds(31));

        var job = await WaitForJobAsync(client, "slow", j => j.Has("Failed"), ct);
        Assert.Equal("DeadlineExceeded", job.Condition("Failed")!.Reason);
        Assert.Equal("Job was active longer than specified deadline", job.Condition("Failed")!.Message);
        await EventuallyAsync(async () => (await PodsOfAsync(client, "slow", ct)).Count == 0, ct);
    }

    [Fact]
    public async Task A_suspended_job_runs_no_pods_until_resumed()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartAsync(time, ct);
        var client = cluster.Client;
        var spec = Job("later", Exits(0));
        spec.Spec.Suspend = true;

        await client.BatchV1.CreateNamespacedJobAsync(spec, "default", cancellationToken: ct);
        var job = await WaitForJobAsync(client, "later", j => j.Has("Suspended"), ct);
        Assert.Equal(("JobSuspended", "Job suspended"), (job.Condition("Suspended")!.Reason, job.Condition("Suspended")!.Message));
        Assert.Empty(await PodsOfAsync(client, "later", ct));
        Assert.Null(job.Status.StartTime);

        await client.BatchV1.PatchNamespacedJobAsync(new V1Patch("""{"spec":{"suspend":false}}""", V1Patch.PatchType.MergePatch), "later", "default", cancellationToken: ct);

        job = await WaitForJobAsync(client, "later", j => j.Has("Complete"), ct);
        Assert.Equal(("False", "JobResumed"), (job.Condition("Suspended")!.Status, job.Condition("Suspended")!.Reason));
    }

    [Fact]
    public async Task A_FailJob_pod_failure_policy_rule_fails_the_job_at_the_first_matching_exit_code()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartAsync(time, ct);
        var client = cluster.Client;
        var spec = Job("policy", Exits(42));
        spec.Spec.PodFailurePolicy = new V1PodFailurePolicy
        {
            Rules = [new V1PodFailurePolicyRule { Action = "FailJob", OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement { OperatorProperty = "In", Values = [42] } }],
        };

        await client.BatchV1.CreateNamespacedJobAsync(spec, "default", cancellationToken: ct);

        var job = await WaitForJobAsync(client, "policy", j => j.Has("Failed"), ct);
        var pod = Assert.Single(await PodsOfAsync(client, "policy", ct));
        Assert.Equal("PodFailurePolicy", job.Condition("Failed")!.Reason);
        Assert.Equal($"Container main for pod default/{pod.Metadata.Name} failed with exit code 42 matching FailJob rule at index 0", job.Condition("Failed")!.Message);
    }

    [Fact]
    public async Task TtlSecondsAfterFinished_deletes_the_finished_job_and_its_pods_when_the_clock_passes_it()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartAsync(time, ct);
        var client = cluster.Client;
        var spec = Job("short-lived", Exits(0));
        spec.Spec.TtlSecondsAfterFinished = 100;

        await client.BatchV1.CreateNamespacedJobAsync(spec, "default", cancellationToken: ct);
        await WaitForJobAsync(client, "short-lived", j => j.Has("Complete"), ct);
        time.Advance(TimeSpan.FromSeconds(50));
        Assert.NotNull(await client.BatchV1.ReadNamespacedJobAsync("short-lived", "default", cancellationToken: ct));
        time.Advance(TimeSpan.FromSeconds(51));

        await EventuallyAsync(() => WorkloadTestSupport.IsGoneAsync(() => client.BatchV1.ReadNamespacedJobAsync("short-lived", "default", cancellationToken: ct)), ct);
        await EventuallyAsync(async () => (await PodsOfAsync(client, "short-lived", ct)).Count == 0, ct);
    }

    [Fact]
    public async Task A_running_job_deleted_in_the_background_takes_its_pods_with_it()
    {
        // The Python client's test_job_apis: its pod kept the tracking finalizer and stayed Terminating for ever.
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartAsync(time, ct);
        var client = cluster.Client;
        await RunJobAsync(client, "runs", ct);

        await client.BatchV1.DeleteNamespacedJobAsync("runs", "default", propagationPolicy: "Background", cancellationToken: ct);

        await EventuallyAsync(async () => await PodsOfAsync(client, "runs", ct) is not [{ Metadata.DeletionTimestamp: null }], ct);
        time.Advance(TimeSpan.FromSeconds(31));
        await EventuallyAsync(async () => (await PodsOfAsync(client, "runs", ct)).Count == 0, ct);
    }

    [Fact]
    public async Task A_pod_orphaned_by_its_deleted_job_loses_the_tracking_finalizer()
    {
        // Released while the job waits for its orphan finalizer, or, when the garbage collector orphans the pod first,
        // once the job is gone.
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartAsync(time, ct);
        var client = cluster.Client;
        await RunJobAsync(client, "orphans", ct);

        await client.BatchV1.DeleteNamespacedJobAsync("orphans", "default", propagationPolicy: "Orphan", cancellationToken: ct);

        await EventuallyAsync(async () => (await PodsOfAsync(client, "orphans", ct)).Single() is { } pod
            && pod.Metadata.OwnerReferences is null && pod.Metadata.Finalizers is null, ct);
        var orphan = Assert.Single(await PodsOfAsync(client, "orphans", ct));
        Assert.Null(orphan.Metadata.DeletionTimestamp);
        Assert.Equal("Running", orphan.Status.Phase);
    }
}
