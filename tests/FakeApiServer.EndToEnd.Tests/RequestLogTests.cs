using FakeApiServer.Observability;
using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>The request log (--request-log) as a kubectl user reads it: each of kubectl's requests, with status and latency.</summary>
public sealed class RequestLogTests
{
    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Kubectl_create_and_get_appear_in_the_request_log_with_status_and_latency(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        using var log = new CapturedLog();
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { RequestLog = true, LoggerProvider = log }, ct);
        using var kubectl = Kubectl.For(cluster, version);

        (await kubectl.RunAsync("create", "configmap", "settings", "--from-literal=color=blue")).Succeeded();
        (await kubectl.RunAsync("get", "configmap", "settings")).Succeeded();
        (await kubectl.RunAsync("get", "configmap", "absent")).FailedWith("Error from server (NotFound): configmaps \"absent\" not found");

        var create = await log.WaitForAsync(l => l.EventId == 1100 && "create".Equals(l.Values["Verb"]), ct);
        var get = await log.WaitForAsync(l => l.EventId == 1100 && "get".Equals(l.Values["Verb"]) && "/api/v1/namespaces/default/configmaps/settings".Equals(l.Values["Uri"]), ct);
        var missing = await log.WaitForAsync(l => l.EventId == 1100 && "/api/v1/namespaces/default/configmaps/absent".Equals(l.Values["Uri"]), ct);

        Assert.All([create, get, missing], l => Assert.Equal(RequestLog.Category, l.Category));
        Assert.Matches(
            "^HTTP verb=create URI=/api/v1/namespaces/default/configmaps\\?fieldManager=kubectl-create&fieldValidation=Strict resource=configmaps user=system:unsecured " +
            "userAgent=\"kubectl[^\"]*/v1\\.[0-9]+\\.[0-9]+ [^\"]*\" status=201 latency=[0-9.]+ms auditID=[0-9a-f-]{36}$",
            create.Message);
        Assert.Matches("^HTTP verb=get URI=/api/v1/namespaces/default/configmaps/settings resource=configmaps .* status=200 latency=[0-9.]+ms auditID=", get.Message);
        Assert.Matches(" status=404 latency=[0-9.]+ms ", missing.Message);
    }
}
