using System.Globalization;
using System.Net;
using System.Text;
using FakeApiServer.Load.Harness;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace FakeApiServer.Load.Scenarios;

/// <summary>
/// Updates on the profile's small count (10k) of objects: PUT with the resourceVersion last seen, then RFC 7386 merge
/// patch, 64 users each owning its own keys; then a check that a stale resourceVersion is always 409.
/// </summary>
internal sealed class UpdateScenario : IScenario
{
    private const string Ns = "update";
    private const int Users = 64;

    /// <inheritdoc/>
    public string Name => "update";

    /// <inheritdoc/>
    public async Task RunAsync(RunContext context, ScenarioReport report, CancellationToken cancellationToken)
    {
        var ceiling = await context.Ceilings.StrongestWriteAsync(cancellationToken);
        var count = context.Profile.SmallCount;
        await using var server = await ServerUnderTest.StartAsync(context.WorkDir, cancellationToken);
        await server.CreateNamespaceAsync(Ns, cancellationToken);
        context.Progress($"update: seeding {count:N0} objects");
        var path = ResourceKind.ConfigMaps.Path(Ns);
        await server.SeedAsync(0, count, i => (path, ObjectBodies.ConfigMap(Ns, $"u-{i}")), cancellationToken);

        // Each user owns keys user, user + 64, ...; it remembers the resourceVersion its last write returned.
        var versions = new string?[count];
        context.Progress("update: PUT with resourceVersion");
        var put = await context.MeasureAsync(
            new LoadTest
            {
                Name = "update (PUT with resourceVersion), 64 users",
                Model = LoadModel.Closed(Users),
                Step = (step, ct) => PutAsync(server, versions, Key(step, count), step.Iteration, ct),
            },
            cancellationToken);
        context.Progress("update: merge patch");
        var patch = await context.MeasureAsync(
            new LoadTest
            {
                Name = "merge patch, 64 users",
                Model = LoadModel.Closed(Users),
                Step = (step, ct) => HttpDriver.SendAsync(
                    server.Http,
                    HttpDriver.WithBody(
                        HttpMethod.Patch, $"{path}/u-{Key(step, count)}",
                        Encoding.UTF8.GetBytes($"{{\"data\":{{\"v\":\"p{step.Iteration}\"}}}}"), HttpDriver.MergePatch),
                    ct),
            },
            cancellationToken);
        report.Measurements.Add(put);
        report.Measurements.Add(patch);
        report.Targets.Add(TargetVerdict.Min("PUT RPS >= 40% of the strongest write ceiling", put.Rps, ceiling.Rps, 0.4, "req/s"));
        report.Targets.Add(TargetVerdict.Min("merge patch RPS >= 40% of the strongest write ceiling", patch.Rps, ceiling.Rps, 0.4, "req/s"));

        var checks = Math.Min(100, count);
        var stale = await StaleResourceVersionChecksAsync(server.Client, checks, cancellationToken);
        report.Add("stale resourceVersion checks (PUT and merge patch)", checks * 2, "requests");
        report.Add("stale resourceVersion answered other than 409", stale, "requests");
        report.CheckErrors += stale;
        report.OtherRequests += checks * 5;
        report.Targets.Add(TargetVerdict.Max("stale resourceVersion never answered other than 409", stale, 1, 0, "requests"));
        report.Notes.Add($"{count:N0} objects; each user writes only its own keys, so PUT never conflicts; the conflict check uses the KubernetesClient");
    }

    // User u writes keys u, u + 64, u + 128, ... only, so no two users ever write the same object.
    private static int Key(StepContext step, int count) => (int)(step.User + (Users * (step.Iteration % Math.Max(1, count / Users))));

    private static async ValueTask<StepResult> PutAsync(ServerUnderTest server, string?[] versions, int key, long iteration, CancellationToken cancellationToken)
    {
        var path = $"{ResourceKind.ConfigMaps.Path(Ns)}/u-{key}";
        if (versions[key] is null)
        {
            var (status, current) = await HttpDriver.SendForBodyAsync(server.Http, HttpDriver.Get(path), cancellationToken);
            if (status != 200)
            {
                return new StepResult(status, current.Length);
            }

            versions[key] = JsonScan.ResourceVersionText(current);
        }

        var body = ObjectBodies.ConfigMap(Ns, $"u-{key}", resourceVersion: versions[key], value: iteration.ToString(CultureInfo.InvariantCulture));
        var (code, answer) = await HttpDriver.SendForBodyAsync(server.Http, HttpDriver.WithBody(HttpMethod.Put, path, body), cancellationToken);
        versions[key] = code == 200 ? JsonScan.ResourceVersionText(answer) : null;
        return new StepResult(code, answer.Length);
    }

    /// <summary>For each of <paramref name="checks"/> objects: read, update, then PUT and merge-patch the first read's version; counts answers other than 409.</summary>
    private static async Task<long> StaleResourceVersionChecksAsync(IKubernetes client, int checks, CancellationToken cancellationToken)
    {
        long wrong = 0;
        for (var i = 0; i < checks; i++)
        {
            var name = $"u-{i}";
            var old = await client.CoreV1.ReadNamespacedConfigMapAsync(name, Ns, cancellationToken: cancellationToken);
            var fresh = await client.CoreV1.ReadNamespacedConfigMapAsync(name, Ns, cancellationToken: cancellationToken);
            fresh.Data["v"] = "fresh";
            await client.CoreV1.ReplaceNamespacedConfigMapAsync(fresh, name, Ns, cancellationToken: cancellationToken);
            old.Data["v"] = "stale";
            wrong += await ConflictsAsync(() => client.CoreV1.ReplaceNamespacedConfigMapAsync(old, name, Ns, cancellationToken: cancellationToken)) ? 0 : 1;
            var patch = new V1Patch(
                $"{{\"metadata\":{{\"resourceVersion\":\"{old.Metadata.ResourceVersion}\"}},\"data\":{{\"v\":\"stale\"}}}}", V1Patch.PatchType.MergePatch);
            wrong += await ConflictsAsync(() => client.CoreV1.PatchNamespacedConfigMapAsync(patch, name, Ns, cancellationToken: cancellationToken)) ? 0 : 1;
        }

        return wrong;
    }

    private static async Task<bool> ConflictsAsync(Func<Task<V1ConfigMap>> write)
    {
        try
        {
            await write();
            return false;
        }
        catch (HttpOperationException e)
        {
            return e.Response.StatusCode == HttpStatusCode.Conflict;
        }
    }
}
