using System.Net;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;
using static FakeApiServer.Tests.Security.SecurityTestSupport;

namespace FakeApiServer.Tests.Security.Authorization;

/// <summary>
/// Authorization and the router read the same request info: what RBAC allows as a watch is served as a watch (the
/// legacy /watch/ paths too), and what it refuses is refused before anything is served.
/// </summary>
public sealed class RequestVerbAuthorizationTests
{
    private static readonly FakeClusterOptions Rbac = new() { AuthorizationMode = "RBAC" };

    [Theory]
    [InlineData("watch", "/api/v1/watch/namespaces/default/configmaps", HttpStatusCode.OK)]
    [InlineData("watch", "/api/v1/namespaces/default/configmaps?watch=true", HttpStatusCode.OK)]
    [InlineData("watch", "/api/v1/watch/namespaces/default/configmaps/c", HttpStatusCode.OK)]
    [InlineData("watch", "/api/v1/namespaces/default/configmaps", HttpStatusCode.Forbidden)]
    [InlineData("list", "/api/v1/watch/namespaces/default/configmaps", HttpStatusCode.Forbidden)]
    [InlineData("list", "/api/v1/namespaces/default/configmaps?watch=1", HttpStatusCode.Forbidden)]
    [InlineData("list", "/api/v1/namespaces/default/configmaps", HttpStatusCode.OK)]
    [InlineData("get", "/api/v1/namespaces/default/configmaps/c?watch=true", HttpStatusCode.OK)]
    public async Task A_user_allowed_one_verb_is_served_exactly_the_requests_that_read_as_that_verb(string verb, string path, HttpStatusCode expected)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(Rbac, ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), "default", cancellationToken: ct);
        var role = new V1Role { Metadata = new V1ObjectMeta { Name = "one-verb" }, Rules = [Rule([verb], [""], ["configmaps"])] };
        await cluster.Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(role, "default", cancellationToken: ct);
        await cluster.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding("bob", "Role", "one-verb", User("bob")), "default", cancellationToken: ct);
        using var http = cluster.HttpAs("bob");

        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Forbidden)
        {
            var other = verb == "watch" ? "list" : "watch";
            await response.AssertStatusAsync(HttpStatusCode.Forbidden, "Forbidden",
                $"configmaps is forbidden: User \"bob\" cannot {other} resource \"configmaps\" in API group \"\" in the namespace \"default\"", ct);
        }
    }
}
