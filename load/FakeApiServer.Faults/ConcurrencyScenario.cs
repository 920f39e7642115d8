using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using FakeApiServer.Testing;

namespace FakeApiServer.Faults;

/// <summary>
/// 64 writers race on one ConfigMap, each reading it and writing <c>data.n + 1</c> with the resourceVersion
/// it read as a precondition, retrying on 409 Conflict: once with PUT, once with merge patches that carry
/// <c>metadata.resourceVersion</c>. Optimistic concurrency holds when exactly one write succeeds per
/// resourceVersion, the successes chain (each one's precondition is the previous one's result) and the final
/// counter equals the number of successes: no increment lost, none applied twice.
/// </summary>
internal sealed class ConcurrencyScenario(FaultBudget budget, int seed)
{
    private const int Writers = 64;
    private const string Collection = "api/v1/namespaces/default/configmaps";

    private readonly ScenarioReport _report = new("concurrency", seed);

    public async Task<ScenarioReport> RunAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        await using var cluster = await FakeCluster.StartAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = cluster.BaseAddress };

        // Half the budget for each way of writing.
        var increments = budget.Count == long.MaxValue ? long.MaxValue : Math.Max(1, budget.Count / 2);
        var deadline = budget.Time / 2;
        await RaceAsync(http, "put", increments, deadline, cancellationToken);
        await RaceAsync(http, "merge-patch", increments, deadline, cancellationToken);
        _report.Elapsed = TimeProvider.System.GetElapsedTime(started);
        return _report;
    }

    private async Task RaceAsync(HttpClient http, string mode, long increments, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var name = "counter-" + mode;
        var (status, created) = await KubeHttp.SendAsync(http, HttpMethod.Post, Collection, KubeHttp.Json(Counter(name, null, 0)), cancellationToken);
        if (status != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"creating {name} answered {(int)status}: {created?.ToJsonString()}");
        }

        var successes = new ConcurrentBag<(long From, long To, int Value)>();
        var conflicts = 0L;
        var claimed = 0L;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        var path = $"{Collection}/{name}";
        var writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            // Each writer claims one increment at a time, so the total stays within the budget.
            while (Interlocked.Increment(ref claimed) <= increments && !timeout.IsCancellationRequested)
            {
                while (true)
                {
                    HttpStatusCode status;
                    JsonNode? answer;
                    var (_, current) = await KubeHttp.SendAsync(http, HttpMethod.Get, path, null, cancellationToken);
                    var from = KubeHttp.ResourceVersion(current!);
                    var value = int.Parse((string)current!["data"]!["n"]!, CultureInfo.InvariantCulture) + 1;
                    var body = Counter(name, from, value);
                    (status, answer) = mode == "put"
                        ? await KubeHttp.SendAsync(http, HttpMethod.Put, path, KubeHttp.Json(body), cancellationToken)
                        : await KubeHttp.SendAsync(http, HttpMethod.Patch, path, KubeHttp.Json(body, "application/merge-patch+json"), cancellationToken);
                    if (status == HttpStatusCode.OK)
                    {
                        successes.Add((from, KubeHttp.ResourceVersion(answer!), value));
                        break;
                    }

                    if (status != HttpStatusCode.Conflict)
                    {
                        _report.Fail($"{mode} of {name} from resourceVersion {from} answered {(int)status}: {answer?.ToJsonString()}");
                        return;
                    }

                    if (KubeHttp.StatusProblem(409, answer!.ToJsonString()) is { } problem || (string?)answer["reason"] != "Conflict")
                    {
                        _report.Fail($"a 409 for {mode} is not a Conflict Status: {answer.ToJsonString()}");
                    }

                    Interlocked.Increment(ref conflicts);
                }
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(writers);

        var (_, final) = await KubeHttp.SendAsync(http, HttpMethod.Get, path, null, cancellationToken);
        var counter = int.Parse((string)final!["data"]!["n"]!, CultureInfo.InvariantCulture);
        var ordered = successes.OrderBy(s => s.To).ToList();
        var duplicates = ordered.GroupBy(s => s.From).Where(g => g.Count() > 1).ToList();
        foreach (var duplicate in duplicates)
        {
            _report.Fail($"{mode}: {duplicate.Count()} writes succeeded from resourceVersion {duplicate.Key}");
        }

        var expectedFrom = KubeHttp.ResourceVersion(created!);
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].From != expectedFrom || ordered[i].Value != i + 1)
            {
                _report.Fail($"{mode}: success {i + 1} wrote n={ordered[i].Value} from {ordered[i].From}, but the previous success left n={i} at {expectedFrom}");
                break;
            }

            expectedFrom = ordered[i].To;
        }

        if (counter != ordered.Count)
        {
            _report.Fail($"{mode}: the counter is {counter} after {ordered.Count} successful increments");
        }

        _report.Set($"{mode}: racing writers", Writers);
        _report.Set($"{mode}: successful increments", ordered.Count);
        _report.Set($"{mode}: 409 Conflicts (retried)", conflicts);
        _report.Set($"{mode}: final counter", counter);
        _report.Set($"{mode}: increments lost", Math.Max(0, ordered.Count - counter));
    }

    private static string Counter(string name, long? resourceVersion, int value)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (resourceVersion is { } revision)
        {
            metadata["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture);
        }

        return new JsonObject
        {
            ["metadata"] = metadata,
            ["data"] = new JsonObject { ["n"] = value.ToString(CultureInfo.InvariantCulture) },
        }.ToJsonString();
    }
}
