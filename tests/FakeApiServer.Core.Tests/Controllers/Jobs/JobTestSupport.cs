using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.Tests.Controllers.Jobs;

/// <summary>
/// What the job, cronjob and ttl tests share: a cluster with the simulated nodes, scheduler and kubelet and the batch
/// controllers on a <see cref="SteppedTime"/> clock, jobs whose pods follow fakeapiserver.io/ stage annotations, polling.
/// </summary>
internal static class JobTestSupport
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);

    public const string Controllers = "namespace,garbage-collector,node-simulator,scheduler,kubelet,job,cronjob,ttl-after-finished,serviceaccount";

    public static async Task<FakeCluster> StartAsync(SteppedTime time, CancellationToken cancellationToken)
    {
        var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.Parse(Controllers), TimeProvider = time }, cancellationToken);
        await EventuallyAsync(async () => (await cluster.Client.CoreV1.ListNodeAsync(cancellationToken: cancellationToken)).Items.Count == 2, cancellationToken);
        return cluster;
    }

    /// <summary>A job of one busybox container "main" whose pods carry <paramref name="stage"/> as annotations.</summary>
    public static V1Job Job(string name, IDictionary<string, string>? stage = null, string restartPolicy = "Never") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1JobSpec
        {
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Annotations = stage },
                Spec = new V1PodSpec
                {
                    RestartPolicy = restartPolicy,
                    Containers = [new V1Container { Name = "main", Image = "busybox:1.36" }],
                },
            },
        },
    };

    /// <summary>Stage annotations: containers exit with <paramref name="code"/> after <paramref name="after"/>.</summary>
    public static Dictionary<string, string> Exits(int code, string after = "0s") => new()
    {
        ["fakeapiserver.io/exit-after"] = after,
        ["fakeapiserver.io/exit-code"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Creates a job whose container runs until it is stopped, and waits until its pod runs.</summary>
    public static async Task RunJobAsync(IKubernetes client, string name, CancellationToken cancellationToken)
    {
        await client.BatchV1.CreateNamespacedJobAsync(Job(name), "default", cancellationToken: cancellationToken);
        await EventuallyAsync(async () => (await PodsOfAsync(client, name, cancellationToken)).SingleOrDefault()?.Status?.Phase == "Running", cancellationToken);
    }

    public static async Task<IList<V1Pod>> PodsOfAsync(IKubernetes client, string job, CancellationToken cancellationToken) =>
        (await client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "batch.kubernetes.io/job-name=" + job, cancellationToken: cancellationToken)).Items;

    /// <summary>Polls the job until <paramref name="condition"/> holds, and returns it.</summary>
    public static async Task<V1Job> WaitForJobAsync(IKubernetes client, string name, Func<V1Job, bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var job = await client.BatchV1.ReadNamespacedJobAsync(name, "default", cancellationToken: cancellationToken);
            if (condition(job))
            {
                return job;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    public static bool Has(this V1Job job, string type) => job.Status?.Conditions?.Any(c => c.Type == type && c.Status == "True") == true;

    public static V1JobCondition? Condition(this V1Job job, string type) => job.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    public static async Task EventuallyAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        while (!await condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}
