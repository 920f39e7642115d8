using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.Samples;

public sealed class CronJobClockSample
{
    [Fact]
    public async Task Advancing_the_clock_five_minutes_fires_the_CronJob()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions
        {
            TimeProvider = new FakeClusterClock(),
            Controllers = ControllerSelection.Parse("namespace,garbage-collector,serviceaccount,cronjob"),
        }, ct);
        await cluster.Client.BatchV1.CreateNamespacedCronJobAsync(new V1CronJob
        {
            Metadata = new V1ObjectMeta { Name = "backup" },
            Spec = new V1CronJobSpec
            {
                Schedule = "*/5 * * * *",
                JobTemplate = new V1JobTemplateSpec
                {
                    Spec = new V1JobSpec
                    {
                        Template = new V1PodTemplateSpec
                        {
                            Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "backup", Image = "busybox" }] },
                        },
                    },
                },
            },
        }, "default", cancellationToken: ct);
        Assert.Empty((await cluster.Client.BatchV1.ListNamespacedJobAsync("default", cancellationToken: ct)).Items);

        // Every 5-minute window holds one */5 schedule time: moving the clock 5 minutes makes one due.
        cluster.Clock.Advance(TimeSpan.FromMinutes(5));

        var backup = await cluster.WaitForAsync<V1CronJob>("backup", c => c.Status?.LastScheduleTime is not null, ct);
        var job = Assert.Single((await cluster.Client.BatchV1.ListNamespacedJobAsync("default", cancellationToken: ct)).Items);
        Assert.Equal("backup", job.Metadata.OwnerReferences.Single().Name);
        // The server stamps times from the same clock: the Job was created after the jump.
        Assert.True(job.Metadata.CreationTimestamp >= backup.Metadata.CreationTimestamp!.Value.AddMinutes(4), $"created {job.Metadata.CreationTimestamp:O}");
    }
}
