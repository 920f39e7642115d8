using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;
using k8s;
using k8s.Models;

namespace FakeApiServer.Tests.Controllers.ServiceAccounts;

/// <summary>The serviceaccount and root-ca-cert-publisher controllers, seen through watches (no time bounds).</summary>
public sealed class ServiceAccountsControllerTests
{
    private static readonly FakeClusterOptions WithRootCa = new()
    {
        Controllers = FakeApiServer.Controllers.ControllerSelection.Parse("namespace,garbage-collector,serviceaccount,root-ca-cert-publisher"),
    };

    [Fact]
    public async Task A_new_namespace_gets_the_default_service_account_and_the_root_ca_config_map()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(WithRootCa with { Tls = true }, ct);
        using var http = cluster.CreateHttpClient();
        var created = await cluster.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "fresh" } }, cancellationToken: ct);
        var from = created.Metadata.ResourceVersion;

        var account = await FirstAsync(http, $"/api/v1/namespaces/fresh/serviceaccounts?watch=true&resourceVersion={from}&fieldSelector=metadata.name%3Ddefault", "ADDED", ct);
        var configMap = await FirstAsync(http, $"/api/v1/namespaces/fresh/configmaps?watch=true&resourceVersion={from}&fieldSelector=metadata.name%3Dkube-root-ca.crt", "ADDED", ct);

        Assert.Equal("default", (string?)account["metadata"]!["name"]);
        Assert.Null(account["secrets"]);
        Assert.Equal(await ClusterCaAsync(cluster, ct), (string?)configMap["data"]!["ca.crt"]);
        Assert.StartsWith("Contains a CA bundle that can be used to verify the kube-apiserver", (string?)configMap["metadata"]!["annotations"]!["kubernetes.io/description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_default_service_account_is_created_again()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var http = cluster.Http();
        var old = await cluster.Client.CoreV1.ReadNamespacedServiceAccountAsync("default", "default", cancellationToken: ct);

        var deleted = await cluster.Client.CoreV1.DeleteNamespacedServiceAccountAsync("default", "default", cancellationToken: ct);
        var again = await FirstAsync(http, $"/api/v1/namespaces/default/serviceaccounts?watch=true&resourceVersion={deleted.Metadata.ResourceVersion}&fieldSelector=metadata.name%3Ddefault", "ADDED", ct);

        Assert.NotEqual(old.Metadata.Uid, (string?)again["metadata"]!["uid"]);
    }

    [Fact]
    public async Task A_changed_or_deleted_root_ca_config_map_is_put_back()
    {
        using var cts = new CancellationTokenSource(ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(WithRootCa, ct);
        using var http = cluster.Http();
        const string Watch = "/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Dkube-root-ca.crt&resourceVersion=";
        var published = await cluster.Client.CoreV1.ReadNamespacedConfigMapAsync("kube-root-ca.crt", "default", cancellationToken: ct);
        var ca = published.Data["ca.crt"];

        var changed = await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"data":{"ca.crt":"forged","extra":"x"},"metadata":{"annotations":{"team":"a"}}}""", V1Patch.PatchType.MergePatch),
            "kube-root-ca.crt", "default", cancellationToken: ct);
        var restored = await FirstAsync(http, Watch + changed.Metadata.ResourceVersion, "MODIFIED", ct);
        var deleted = await cluster.Client.CoreV1.DeleteNamespacedConfigMapAsync("kube-root-ca.crt", "default", cancellationToken: ct);
        var recreated = await FirstAsync(http, Watch + deleted.Metadata.ResourceVersion, "ADDED", ct);

        Assert.Equal(new JsonObject { ["ca.crt"] = ca }.ToJsonString(), restored["data"]!.ToJsonString());
        Assert.Equal("a", (string?)restored["metadata"]!["annotations"]!["team"]);
        Assert.Equal(new JsonObject { ["ca.crt"] = ca }.ToJsonString(), recreated["data"]!.ToJsonString());
    }

    /// <summary>The object of the first watch event of <paramref name="type"/>.</summary>
    internal static async Task<JsonObject> FirstAsync(HttpClient http, string url, string type, CancellationToken ct)
    {
        await foreach (var e in http.WatchAsync(url, ct))
        {
            if (e.Type() == type)
            {
                return (JsonObject)e["object"]!;
            }
        }

        throw new InvalidOperationException("the watch ended before a " + type + " event");
    }

    /// <summary>The CA a client of the cluster trusts, from its kubeconfig.</summary>
    internal static async Task<string> ClusterCaAsync(FakeCluster cluster, CancellationToken ct)
    {
        var path = Path.GetTempFileName();
        try
        {
            cluster.WriteKubeconfig(path);
            var line = (await File.ReadAllLinesAsync(path, ct)).Single(l => l.Contains("certificate-authority-data:", StringComparison.Ordinal));
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(line.Split(':', 2)[1].Trim()));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
