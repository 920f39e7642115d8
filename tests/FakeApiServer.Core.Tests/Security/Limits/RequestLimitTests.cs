using System.Net;
using FakeApiServer.Security.Authentication;
using FakeApiServer.Security.Limits;
using FakeApiServer.Tests.Api;
using FakeApiServer.Tests.Security.Authentication;

namespace FakeApiServer.Tests.Security.Limits;

/// <summary>
/// The request limits as a client meets them: 429 TooManyRequests over the in-flight and watch limits, 504 Timeout past
/// --request-timeout, 413 over the body limit. The throttled user is a token user outside system:masters (masters are exempt,
/// as upstream), on plain http, whose default authorization allows everything.
/// </summary>
public sealed class RequestLimitTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task A_mutating_request_over_the_in_flight_limit_is_429_with_retry_after_while_reads_are_still_served()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var server = await StartAsync(new RequestLimits { MaxMutatingRequestsInflight = 1 }, ct);
        using var http = server.Client(token: "user-token");
        using var held = new HeldRequestBody();
        var first = http.PostAsync(ConfigMaps, held, ct);
        await held.Sent.WaitAsync(ct);
        await Task.Delay(200, ct);

        using var second = await http.PostAsync(ConfigMaps, ApiTestSupport.Json("""{"metadata":{"name":"second"}}"""), ct);
        using var read = await http.GetAsync(ConfigMaps, ct);
        held.Release();
        using var firstResponse = await first;

        var status = await second.AssertStatusAsync(HttpStatusCode.TooManyRequests, "TooManyRequests", "Too many requests, please try again later.", ct);
        Assert.Equal(1, (int?)status["details"]!["retryAfterSeconds"]);
        Assert.Equal("1", second.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Created, firstResponse.StatusCode);
    }

    [Fact]
    public async Task A_system_masters_user_is_not_counted_against_the_in_flight_limit()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var server = await StartAsync(new RequestLimits { MaxMutatingRequestsInflight = 1 }, ct);
        using var admin = server.Client(token: "admin-token");
        using var held = new HeldRequestBody();
        var first = admin.PostAsync(ConfigMaps, held, ct);
        await held.Sent.WaitAsync(ct);
        await Task.Delay(200, ct);

        using var second = await admin.PostAsync(ConfigMaps, ApiTestSupport.Json("""{"metadata":{"name":"second"}}"""), ct);
        held.Release();
        using var firstResponse = await first;

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
    }

    [Fact]
    public async Task A_request_still_running_after_the_request_timeout_is_504_Timeout()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var server = await StartAsync(new RequestLimits { RequestTimeout = TimeSpan.FromMilliseconds(300) }, ct, tls: true);

        // HTTP/2 (over TLS, as kubectl talks): the answer arrives while the client still holds the body open.
        using var http = server.Client(token: "user-token", version: HttpVersion.Version20);
        using var held = new HeldRequestBody();

        using var response = await http.PostAsync(ConfigMaps, held, ct);
        held.Release();

        await response.AssertStatusAsync(
            HttpStatusCode.GatewayTimeout, "Timeout", "Timeout: request did not complete within requested timeout - context deadline exceeded", ct);
    }

    [Fact]
    public async Task A_small_write_of_announced_length_still_running_after_the_request_timeout_is_504_Timeout()
    {
        // Such a write runs on the request's thread (RequestTimeout.RunsInline); its wait for the body still ends in the 504.
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var server = await StartAsync(new RequestLimits { RequestTimeout = TimeSpan.FromMilliseconds(300) }, ct, tls: true);
        using var http = server.Client(token: "user-token", version: HttpVersion.Version20);
        using var held = new HeldRequestBody(announceLength: true);

        using var response = await http.PostAsync(ConfigMaps, held, ct);
        held.Release();

        await response.AssertStatusAsync(
            HttpStatusCode.GatewayTimeout, "Timeout", "Timeout: request did not complete within requested timeout - context deadline exceeded", ct);
    }

    [Fact]
    public async Task A_shorter_timeout_query_parameter_cuts_the_request_sooner()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var server = await StartAsync(new RequestLimits(), ct, tls: true);
        using var http = server.Client(token: "user-token", version: HttpVersion.Version20);
        using var held = new HeldRequestBody();

        using var response = await http.PostAsync(ConfigMaps + "?timeout=300ms", held, ct);
        held.Release();

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
    }

    [Fact]
    public async Task A_watch_is_not_cut_by_the_request_timeout()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var server = await StartAsync(new RequestLimits { RequestTimeout = TimeSpan.FromMilliseconds(200) }, ct);
        using var http = server.Client(token: "user-token");
        await using var events = http.WatchAsync(ConfigMaps + "?watch=true&fieldSelector=metadata.name%3Dlate", ct).GetAsyncEnumerator(ct);
        var next = events.MoveNextAsync();
        await Task.Delay(600, ct);

        using var created = await http.PostAsync(ConfigMaps, ApiTestSupport.Json("""{"metadata":{"name":"late"}}"""), ct);

        Assert.True(await next);
        Assert.Equal("ADDED", (string?)events.Current["type"]);
    }

    [Fact]
    public async Task A_watch_over_the_per_user_limit_is_429()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var server = await StartAsync(new RequestLimits { MaxWatchesPerUser = 1 }, ct);
        using var http = server.Client(token: "user-token");
        using var other = server.Client(token: "other-token");
        using var first = await http.GetAsync(ConfigMaps + "?watch=true", HttpCompletionOption.ResponseHeadersRead, ct);

        using var second = await http.GetAsync("/api/v1/watch/namespaces/default/configmaps", HttpCompletionOption.ResponseHeadersRead, ct);
        using var otherUsers = await other.GetAsync(ConfigMaps + "?watch=true", HttpCompletionOption.ResponseHeadersRead, ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await second.AssertStatusAsync(HttpStatusCode.TooManyRequests, "TooManyRequests", "Too many requests, please try again later.", ct);
        Assert.Equal(HttpStatusCode.OK, otherUsers.StatusCode);
    }

    [Theory]
    [InlineData("//api/v1/namespaces/default/configmaps?watch=1")]
    [InlineData("//api/v1/watch/namespaces/default/configmaps")]
    public async Task A_watch_with_a_leading_double_slash_counts_toward_the_per_user_limit(string path)
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var server = await StartAsync(new RequestLimits { MaxWatchesPerUser = 1 }, ct);
        using var http = server.Client(token: "user-token");
        var slashed = new Uri($"{http.BaseAddress!.Scheme}://{http.BaseAddress.Authority}{path}");

        // Upstream trims every leading slash when it reads the request's resource, so the path is still a watch.
        using var first = await http.GetAsync(slashed, HttpCompletionOption.ResponseHeadersRead, ct);
        using var second = await http.GetAsync(ConfigMaps + "?watch=true", HttpCompletionOption.ResponseHeadersRead, ct);
        using var third = await http.GetAsync(slashed, HttpCompletionOption.ResponseHeadersRead, ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await second.AssertStatusAsync(HttpStatusCode.TooManyRequests, "TooManyRequests", "Too many requests, please try again later.", ct);
        await third.AssertStatusAsync(HttpStatusCode.TooManyRequests, "TooManyRequests", "Too many requests, please try again later.", ct);
    }

    [Fact]
    public async Task A_body_over_3_MiB_is_still_413()
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = timeout.Token;
        await using var server = await StartAsync(new RequestLimits(), ct);
        using var http = server.Client(token: "user-token");

        using var response = await http.PostAsync(ConfigMaps, new ByteArrayContent(new byte[(3 * 1024 * 1024) + 1]), ct);

        await response.AssertStatusAsync(HttpStatusCode.RequestEntityTooLarge, "RequestEntityTooLarge", "Request entity too large: limit is 3145728", ct);
    }

    private static Task<SecuredServer> StartAsync(RequestLimits limits, CancellationToken cancellationToken, bool tls = false)
    {
        var tokens = SecuredServer.TokenFile("user-token,user,1", "other-token,other,2", "admin-token,admin,3,system:masters");
        return SecuredServer.StartAsync(
            SecuredServer.Options() with
            {
                Tls = new FakeApiServer.Security.Tls.TlsOptions { Enabled = tls },
                Authentication = new AuthenticationOptions { TokenAuthFile = tokens },
                Limits = limits,
            },
            cancellationToken);
    }
}
