using FakeApiServer.Security;
using FakeApiServer.Security.Limits;
using FakeApiServer.Tests.Api;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Tests.Security.Limits;

/// <summary>
/// Which requests the in-flight filter counts as mutating, as upstream's WithMaxInFlightLimit reads the request info:
/// all but the verbs get, list and watch (so a HEAD or OPTIONS of a non-resource path is mutating).
/// </summary>
public sealed class InFlightVerbTests
{
    private static DefaultHttpContext Context(string method, string pathAndQuery)
    {
        var context = TestRequests.Context(method, pathAndQuery);
        context.SetUser(UserInfo.Of("user", UserInfo.AuthenticatedGroup));
        return context;
    }

    [Theory]
    [InlineData("OPTIONS", "/healthz", 429)]
    [InlineData("HEAD", "/healthz", 429)]
    [InlineData("DELETE", "/api/v1/namespaces/default/configmaps", 429)]
    [InlineData("PATCH", "/api/v1/namespaces/default/configmaps/c", 429)]
    [InlineData("GET", "/healthz", 200)]
    [InlineData("HEAD", "/api/v1/namespaces/default/configmaps/c", 200)]
    [InlineData("GET", "/api/v1/namespaces/default/configmaps", 200)]
    public async Task While_the_one_mutating_slot_is_taken_only_get_list_and_watch_are_served(string method, string path, int expected)
    {
        using var timeout = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var limit = new InFlightLimit(new RequestLimits { MaxMutatingRequestsInflight = 1, MaxRequestsInflight = 10 });
        var entered = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var held = limit.InvokeAsync(Context("POST", "/api/v1/namespaces/default/configmaps"), async _ =>
        {
            entered.SetResult();
            await release.Task.WaitAsync(timeout.Token);
        });
        await entered.Task.WaitAsync(timeout.Token);
        var context = Context(method, path);

        await limit.InvokeAsync(context, c =>
        {
            c.Response.StatusCode = 200;
            return Task.CompletedTask;
        });
        release.SetResult();
        await held;

        Assert.Equal(expected, context.Response.StatusCode);
    }
}
