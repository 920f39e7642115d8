using System.Globalization;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Controllers.Jobs.JobTestSupport;

namespace FakeApiServer.Tests.Controllers.CronJobs;

public sealed class CronJobControllerTests
{
    [Fact]
    public async Task An_every_minute_cronjob_creates_its_job_when_the_clock_passes_the_minute()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartAsync(time, ct);
        var client = cluster.Client;
        var created = await client.BatchV1.CreateNamespacedCronJobAsync(CronJob("tick", "*/1 * * * *", Exits(0)), "default", cancellationToken: ct);
        var creation = created.Metadata.CreationTimestamp!.Value;
        var firstTime = new DateTimeOffset(creation.Year, creation.Month, creation.Day, creation.Hour, creation.Minute, 0, TimeSpan.Zero).AddMinutes(1);

        // To the middle of the first scheduled minute: the clock also moves with real time, so a fixed step from a
        // creation late in its minute could pass a second schedule, and the controller starts only the latest.
        time.Advance(firstTime.AddSeconds(30) - time.GetUtcNow());

        var cronJob = await WaitForCronJobAsync(client, "tick", c => c.Status?.LastSuccessfulTime is not null, ct);
        var jobs = await JobsOfAsync(client, "tick", ct);
        var job = jobs.First();
        var minutes = (firstTime.ToUnixTimeSeconds() / 60).ToString(CultureInfo.InvariantCulture);
        Assert.Equal("tick-" + minutes, job.Metadata.Name);
        Assert.Equal(firstTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            job.Metadata.Annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"]);
        var owner = Assert.Single(job.Metadata.OwnerReferences);
        Assert.Equal(("CronJob", "tick", true), (owner.Kind, owner.Name, owner.Controller == true));
        Assert.Equal(firstTime.UtcDateTime, cronJob.Status.LastScheduleTime);
        var events = await client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=tick", cancellationToken: ct);
        Assert.Contains(events.Items, e => e.Reason == "SuccessfulCreate" && e.Message == "Created job tick-" + minutes);
        await EventuallyAsync(async () => (await client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=tick", cancellationToken: ct))
            .Items.Any(e => e.Reason == "SawCompletedJob" && e.Message == $"Saw completed job: tick-{minutes}, condition: Complete"), ct);
    }

    [Fact]
    public async Task Forbid_skips_a_run_while_the_previous_job_is_active()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartAsync(time, ct);
        var client = cluster.Client;
        var spec = CronJob("single", "*/1 * * * *");
        spec.Spec.ConcurrencyPolicy = "Forbid";
        await client.BatchV1.CreateNamespacedCronJobAsync(spec, "default", cancellationToken: ct);

        time.Advance(TimeSpan.FromSeconds(61));
        var cronJob = await WaitForCronJobAsync(client, "single", c => c.Status?.Active?.Count == 1, ct);
        time.Advance(TimeSpan.FromSeconds(60));

        await EventuallyAsync(async () => (await client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=single", cancellationToken: ct))
            .Items.Any(e => e.Reason == "JobAlreadyActive" && e.Message == "Not starting job because prior execution is running and concurrency policy is Forbid"), ct);
        Assert.Single(await JobsOfAsync(client, "single", ct));
        Assert.Equal(cronJob.Status.LastScheduleTime, (await client.BatchV1.ReadNamespacedCronJobAsync("single", "default", cancellationToken: ct)).Status.LastScheduleTime);
    }

    [Fact]
    public async Task Finished_jobs_beyond_the_history_limit_are_deleted_oldest_first()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var time = new SteppedTime();
        await using var cluster = await StartAsync(time, ct);
        var client = cluster.Client;
        var spec = CronJob("history", "*/1 * * * *", Exits(0));
        spec.Spec.SuccessfulJobsHistoryLimit = 1;
        await client.BatchV1.CreateNamespacedCronJobAsync(spec, "default", cancellationToken: ct);

        var names = new List<string>();
        for (var run = 0; run < 3; run++)
        {
            time.Advance(TimeSpan.FromSeconds(60));
            var cronJob = await WaitForCronJobAsync(client, "history", c => c.Status?.LastScheduleTime is { } t
                && !names.Contains("history-" + (new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeSeconds() / 60).ToString(CultureInfo.InvariantCulture))
                && c.Status.LastSuccessfulTime >= t, ct);
            names.Add("history-" + (new DateTimeOffset(cronJob.Status.LastScheduleTime!.Value, TimeSpan.Zero).ToUnixTimeSeconds() / 60).ToString(CultureInfo.InvariantCulture));
        }

        await EventuallyAsync(async () => (await JobsOfAsync(client, "history", ct)).Count == 1, ct);
        Assert.Equal(names[^1], (await JobsOfAsync(client, "history", ct)).Single().Metadata.Name);
        var events = await client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=history", cancellationToken: ct);
        Assert.Contains(events.Items, e => e.Reason == "SuccessfulDelete" && e.Message == "Deleted job " + names[0]);
    }

    private static V1CronJob CronJob(string name, string schedule, IDictionary<string, string>? stage = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1CronJobSpec { Schedule = schedule, JobTemplate = new V1JobTemplateSpec { Spec = Job(name, stage).Spec } },
    };

    private static async Task<List<V1Job>> JobsOfAsync(IKubernetes client, string cronJob, CancellationToken cancellationToken) =>
        (await client.BatchV1.ListNamespacedJobAsync("default", cancellationToken: cancellationToken)).Items
            .Where(j => j.Metadata.DeletionTimestamp is null && j.Metadata.OwnerReferences?.Any(o => o.Kind == "CronJob" && o.Name == cronJob) == true)
            .OrderBy(j => j.Metadata.Name, StringComparer.Ordinal).ToList();

    private static async Task<V1CronJob> WaitForCronJobAsync(IKubernetes client, string name, Func<V1CronJob, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var cronJob = await client.BatchV1.ReadNamespacedCronJobAsync(name, "default", cancellationToken: cancellationToken);
            if (condition(cronJob))
            {
                return cronJob;
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}
