using FakeApiServer.Load.Ceilings;
using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Tests;

/// <summary>The same-response ceiling sends what the server sent: the same status, header fields and body bytes.</summary>
public sealed class SameResponseCeilingTests : IDisposable
{
    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "fakeapiserver-same-response-tests-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task The_ceiling_answers_with_the_captured_response_and_a_new_date_and_audit_id()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = timeout.Token;
        const string Ns = "same";
        var path = ResourceKind.ConfigMaps.Path(Ns);
        RawHttpResponse captured;
        await using (var server = await ServerUnderTest.StartProcessAsync(_workDir, ct))
        {
            await server.CreateNamespaceAsync(Ns, ct);
            var created = await HttpDriver.SendAsync(server.Http, HttpDriver.WithBody(HttpMethod.Post, path, ObjectBodies.ConfigMap(Ns, "u-0")), ct);
            Assert.Equal(201, created.StatusCode);
            captured = await RawHttpResponse.GetAsync(server.Http.BaseAddress!, $"{path}/u-0", ct);
        }

        await using var ceiling = await SameResponseCeiling.StartAsync(_workDir, captured, ct);
        var first = await RawHttpResponse.GetAsync(ceiling.Http.BaseAddress!, $"{path}/u-1", ct);
        var second = await RawHttpResponse.GetAsync(ceiling.Http.BaseAddress!, $"{path}/u-2", ct);

        Assert.Equal(200, captured.Status);
        Assert.Contains("\"name\":\"u-0\"", System.Text.Encoding.UTF8.GetString(captured.Body), StringComparison.Ordinal);
        foreach (var served in new[] { first, second })
        {
            Assert.Equal(captured.Status, served.Status);
            Assert.Equal(captured.Body, served.Body);
            Assert.Equal(captured.Headers.Select(h => h.Key), served.Headers.Select(h => h.Key));
            Assert.Equal(Stable(captured), Stable(served));
            Assert.True(DateTimeOffset.TryParse(served.Header("Date"), System.Globalization.CultureInfo.InvariantCulture, out _));
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", served.Header("Audit-Id"));
            // The same framing (chunked or not, the same chunks): the bytes on the wire are as many.
            Assert.Equal(captured.Wire.Length, served.Wire.Length);
        }

        Assert.NotEqual(first.Header("Audit-Id"), second.Header("Audit-Id"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_workDir))
        {
            Directory.Delete(_workDir, recursive: true);
        }
    }

    // The header fields but Date and Audit-Id, whose values are the request's own.
    private static List<KeyValuePair<string, string>> Stable(RawHttpResponse response) =>
        [.. response.Headers.Where(h => h.Key is not ("Date" or "Audit-Id"))];
}
