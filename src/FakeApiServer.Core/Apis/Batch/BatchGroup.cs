using FakeApiServer.Api.Subresources;
using FakeApiServer.Apis.Batch.CronJobs;
using FakeApiServer.Apis.Batch.Jobs;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Batch;

/// <summary>batch/v1.</summary>
internal static class BatchGroup
{
    public static IEnumerable<ResourceDefinition> Resources()
    {
        var jobs = new JobStrategy();
        yield return new ResourceDefinition("batch", "v1", "Job", "jobs", Namespaced: true)
        {
            Categories = ["all"],
            Strategy = jobs,
            Defaulter = JobDefaults.Instance,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(jobs)) },
            Table = JobTable.Instance,
            FieldSelectors = Core.CoreGroup.Fields(("status.successful", o => o.FieldString("status.succeeded") ?? "0")),
        };

        var cronJobs = new CronJobStrategy();
        yield return new ResourceDefinition("batch", "v1", "CronJob", "cronjobs", Namespaced: true)
        {
            ShortNames = ["cj"],
            Categories = ["all"],
            Strategy = cronJobs,
            Defaulter = CronJobDefaults.Instance,
            Subresources = new Dictionary<string, SubresourceHandler> { ["status"] = Subresource.Status(new StatusStrategy(cronJobs)) },
            Table = CronJobTable.Instance,
        };
    }
}
