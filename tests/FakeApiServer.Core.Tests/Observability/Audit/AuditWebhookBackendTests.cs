using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using FakeApiServer.Observability.Audit;
using FakeApiServer.Tests.Controllers.Runtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace FakeApiServer.Tests.Observability.Audit;

public sealed class AuditWebhookBackendTests
{
    private static byte[] Event(int i) => Encoding.UTF8.GetBytes($"{{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"{i}\"}}");

    /// <summary>Waits (without sleeping) until the clock has a timer due in exactly <paramref name="due"/>.</summary>
    private static async Task WaitForTimerAsync(ManualTime time, TimeSpan due, CancellationToken cancellationToken)
    {
        while (!time.Waiting.Contains(due))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }

    [Fact]
    public async Task Events_go_as_EventLists_in_full_batches_or_after_the_max_wait_and_a_5xx_is_tried_again_after_the_backoff()
    {
        using var timeout = new CancellationTokenSource(FakeApiServer.Tests.Api.ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        var time = new ManualTime();
        var posts = Channel.CreateUnbounded<(Uri Url, string ContentType, JsonObject Body)>();
        var answers = new Queue<HttpStatusCode>([HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK]);
        var options = new AuditOptions { WebhookBatchMaxSize = 2 };
        await using (var backend = new AuditWebhookBackend(options, new Uri("https://audit.example:8443/events"), async (request, token) =>
        {
            var body = await request.Content!.ReadAsStringAsync(token);
            posts.Writer.TryWrite((request.RequestUri!, request.Content.Headers.ContentType!.MediaType!, (JsonObject)JsonNode.Parse(body)!));
            lock (answers)
            {
                return new HttpResponseMessage(answers.Dequeue());
            }
        }, time, NullLogger.Instance))
        {
            Assert.False(backend.IsBlocking);
            Assert.True(backend.Process(Event(1)));
            Assert.True(backend.Process(Event(2)));
            Assert.True(backend.Process(Event(3)));

            // A full batch goes at once.
            var first = await posts.Reader.ReadAsync(ct);
            Assert.Equal("https://audit.example:8443/events", first.Url.ToString());
            Assert.Equal("application/json", first.ContentType);
            Assert.Equal("EventList", (string?)first.Body["kind"]);
            Assert.Equal("audit.k8s.io/v1", (string?)first.Body["apiVersion"]);
            Assert.Equal(["1", "2"], first.Body["items"]!.AsArray().Select(e => (string?)e!["auditID"]));

            // The rest waits for the 30s max wait.
            await WaitForTimerAsync(time, TimeSpan.FromSeconds(30), ct);
            Assert.False(posts.Reader.TryRead(out _));
            time.Advance(TimeSpan.FromSeconds(30));
            var second = await posts.Reader.ReadAsync(ct);
            Assert.Equal(["3"], second.Body["items"]!.AsArray().Select(e => (string?)e!["auditID"]));

            // It was answered 503: tried again after the 10s initial backoff.
            await WaitForTimerAsync(time, TimeSpan.FromSeconds(10), ct);
            Assert.False(posts.Reader.TryRead(out _));
            time.Advance(TimeSpan.FromSeconds(10));
            var retry = await posts.Reader.ReadAsync(ct);
            Assert.Equal(second.Body.ToJsonString(), retry.Body.ToJsonString());
        }

        Assert.False(posts.Reader.TryRead(out _));
    }
}
