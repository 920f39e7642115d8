using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Apis.Batch;

/// <summary>batch/v1 Jobs and CronJobs through the KubernetesClient: upstream's defaults, generated selector, validation and immutable fields.</summary>
public sealed class JobApiTests
{
    private static V1Job Job(string name, string restartPolicy = "Never") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1JobSpec
        {
            Template = new V1PodTemplateSpec
            {
                Spec = new V1PodSpec { RestartPolicy = restartPolicy, Containers = [new V1Container { Name = "main", Image = "busybox:1.36" }] },
            },
        },
    };

    [Fact]
    public async Task Create_defaults_the_job_and_generates_its_selector_and_labels()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);

        var job = await cluster.Client.BatchV1.CreateNamespacedJobAsync(Job("pi"), "default", cancellationToken: cts.Token);

        Assert.Equal((6, 1, 1, "NonIndexed", false, false, "TerminatingOrFailed"),
            (job.Spec.BackoffLimit, job.Spec.Completions, job.Spec.Parallelism, job.Spec.CompletionMode, job.Spec.Suspend, job.Spec.ManualSelector, job.Spec.PodReplacementPolicy));
        var uid = job.Metadata.Uid;
        Assert.Equal(new Dictionary<string, string> { ["batch.kubernetes.io/controller-uid"] = uid }, job.Spec.Selector.MatchLabels);
        Assert.Equal(uid, job.Spec.Template.Metadata.Labels["controller-uid"]);
        Assert.Equal("pi", job.Spec.Template.Metadata.Labels["batch.kubernetes.io/job-name"]);
        Assert.Equal("pi", job.Metadata.Labels["job-name"]);
        Assert.Equal("ClusterFirst", job.Spec.Template.Spec.DnsPolicy);
    }

    [Fact]
    public async Task A_job_whose_pods_restart_always_is_refused()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var cluster = await FakeCluster.StartAsync(cts.Token);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.BatchV1.CreateNamespacedJobAsync(Job("pi", "Always"), "default", cancellationToken: cts.Token));

        error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "Job.batch \"pi\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"");
    }

    [Fact]
    public async Task The_template_of_a_running_job_is_immutable_but_a_replace_of_the_original_manifest_keeps_it()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var job = await cluster.Client.BatchV1.CreateNamespacedJobAsync(Job("pi"), "default", cancellationToken: ct);

        job.Spec.Template.Spec.Containers[0].Image = "busybox:1.37";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.BatchV1.ReplaceNamespacedJobAsync(job, "pi", "default", cancellationToken: ct));

        var status = error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid", null);
        Assert.StartsWith("Job.batch \"pi\" is invalid: spec.template: Invalid value: ", (string?)status["message"], StringComparison.Ordinal);
        Assert.EndsWith(": field is immutable", (string?)status["message"], StringComparison.Ordinal);

        job.Spec.Template.Spec.Containers[0].Image = "busybox:1.36";
        job.Spec.Parallelism = 2;
        var scaled = await cluster.Client.BatchV1.ReplaceNamespacedJobAsync(job, "pi", "default", cancellationToken: ct);
        Assert.Equal(2, scaled.Spec.Parallelism);
        Assert.Equal(2, scaled.Metadata.Generation);
    }

    [Fact]
    public async Task A_cronjob_gets_upstreams_defaults_and_needs_a_schedule()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var cronJob = new V1CronJob
        {
            Metadata = new V1ObjectMeta { Name = "hello" },
            Spec = new V1CronJobSpec { Schedule = "*/5 * * * *", JobTemplate = new V1JobTemplateSpec { Spec = Job("x", "OnFailure").Spec } },
        };

        var created = await cluster.Client.BatchV1.CreateNamespacedCronJobAsync(cronJob, "default", cancellationToken: ct);
        cronJob.Metadata.Name = "nosched";
        cronJob.Spec.Schedule = "";
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.BatchV1.CreateNamespacedCronJobAsync(cronJob, "default", cancellationToken: ct));

        Assert.Equal(("Allow", false, 3, 1), (created.Spec.ConcurrencyPolicy, created.Spec.Suspend, created.Spec.SuccessfulJobsHistoryLimit, created.Spec.FailedJobsHistoryLimit));
        Assert.Null(created.Spec.JobTemplate.Spec.BackoffLimit);
        error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid", "CronJob.batch \"nosched\" is invalid: spec.schedule: Required value");
    }

    [Theory]
    [InlineData("TZ=UTC */5 * * * *", null, "spec.schedule: Invalid value: \"TZ=UTC */5 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead")]
    [InlineData("CRON_TZ=UTC 0 * * * *", "UTC", "spec.schedule: Invalid value: \"CRON_TZ=UTC 0 * * * *\": cannot use both timeZone field and TZ or CRON_TZ in schedule")]
    [InlineData("61 * * * *", null, "spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61")]
    [InlineData("0 * * * *", "Mars/Olympus", "spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus")]
    [InlineData("0 * * * *", "Local", "spec.timeZone: Invalid value: \"Local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")]
    public async Task A_cronjob_schedule_is_parsed_as_cron_does_and_time_zones_go_in_timeZone(string schedule, string? timeZone, string message)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var cronJob = new V1CronJob
        {
            Metadata = new V1ObjectMeta { Name = "zoned" },
            Spec = new V1CronJobSpec { Schedule = schedule, TimeZone = timeZone, JobTemplate = new V1JobTemplateSpec { Spec = Job("x", "OnFailure").Spec } },
        };

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.BatchV1.CreateNamespacedCronJobAsync(cronJob, "default", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid", "CronJob.batch \"zoned\" is invalid: " + message);
    }
}
