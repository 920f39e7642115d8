using System.Collections.Concurrent;
using FakeApiServer.Observability;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Tests.Observability;

public sealed class RequestFeedTests
{
    [Fact]
    public async Task Observers_see_each_request_with_its_verb_resource_user_status_and_audit_id()
    {
        using var timeout = new CancellationTokenSource(FakeApiServer.Tests.Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions(), ct);
        var observer = new Recorder();
        using (cluster.Requests.Subscribe(observer))
        {
            await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, "default", cancellationToken: ct);
            var missing = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("b", "default", cancellationToken: ct));
            await observer.NextAsync(r => r.Verb == "create", ct);
            var get = await observer.NextAsync(r => r.Verb == "get", ct);
            Assert.Equal(get.AuditId, missing.Response.Headers.Single(h => h.Key == "Audit-Id").Value.Single());
        }

        await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);

        Assert.Equal(2, observer.Started.Count);
        Assert.Collection(
            observer.Completed.OrderBy(r => r.Started),
            create => Assert.Equal(("POST", "create", "configmaps", "default", "", 201), (create.Method, create.Verb, create.Resource, create.Namespace, create.Name, create.StatusCode)),
            get => Assert.Equal(("GET", "get", "configmaps", "default", "b", 404), (get.Method, get.Verb, get.Resource, get.Namespace, get.Name, get.StatusCode)));
        Assert.All(observer.Completed, r => Assert.True(Guid.TryParse(r.AuditId, out _)));
        Assert.All(observer.Completed, r => Assert.Equal(FakeApiServer.Security.UserInfo.Unsecured.Name, r.User));
    }

    [Fact]
    public async Task A_client_audit_id_is_kept_and_a_watch_counts_its_events()
    {
        using var timeout = new CancellationTokenSource(FakeApiServer.Tests.Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions(), ct);
        var observer = new Recorder();
        using var subscription = cluster.Requests.Subscribe(observer);
        using var http = cluster.CreateHttpClient();
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "b" } }, "default", cancellationToken: ct);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?watch=true");
        request.Headers.Add("Audit-ID", "mine-1");
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct)))
        {
            Assert.Contains("\"ADDED\"", await reader.ReadLineAsync(ct), StringComparison.Ordinal);
            Assert.Contains("\"ADDED\"", await reader.ReadLineAsync(ct), StringComparison.Ordinal);
        }

        response.Dispose();
        var watch = await observer.NextAsync(r => r.Verb == "watch", ct);

        Assert.Equal("mine-1", response.Headers.GetValues("Audit-Id").Single());
        Assert.Equal(("mine-1", 2L, "?watch=true"), (watch.AuditId, watch.WatchEvents, watch.Query));
    }

    [Fact]
    public void A_new_audit_id_is_a_random_version_4_uuid_in_canonical_form()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => RequestObservationFilter.NewAuditId()).ToList();

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    private sealed class Recorder : IRequestObserver
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource<CompletedRequest>> _waiting = new();

        public ConcurrentQueue<string> Started { get; } = new();

        public ConcurrentQueue<CompletedRequest> Completed { get; } = new();

        public void OnStarted(HttpContext context, RequestObservation observation) => Started.Enqueue(observation.AuditId);

        public void OnCompleted(CompletedRequest request)
        {
            Completed.Enqueue(request);
            foreach (var waiting in _waiting.Values)
            {
                waiting.TrySetResult(request);
            }
        }

        public async Task<CompletedRequest> NextAsync(Func<CompletedRequest, bool> match, CancellationToken cancellationToken)
        {
            while (true)
            {
                if (Completed.FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                var next = new TaskCompletionSource<CompletedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
                var key = Guid.NewGuid().ToString();
                _waiting[key] = next;
                if (Completed.FirstOrDefault(match) is { } raced)
                {
                    _waiting.TryRemove(key, out _);
                    return raced;
                }

                await next.Task.WaitAsync(cancellationToken);
                _waiting.TryRemove(key, out _);
            }
        }
    }
}
