using System.Globalization;
using System.Text.RegularExpressions;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Hosting.StorageBackends;

/// <summary>
/// The kube-apiserver layout check: with --storage-backend=etcd3 under the default prefix, every example key of the
/// layout table in docs/operations.md holds, read with etcdctl, an object of the row's kind without a resourceVersion,
/// whose etcd mod revision is the resourceVersion the API serves; and every key under the prefix is one the table
/// describes.
/// </summary>
public sealed partial class EtcdLayoutTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>
{
    [Fact]
    public async Task Objects_are_where_the_layout_table_in_docs_operations_md_says_kube_apiserver_keeps_them()
    {
        using var cts = new CancellationTokenSource(EtcdFixture.TestTimeout);
        var ct = cts.Token;
        var rows = LayoutTable();
        Assert.True(rows.Count >= 30, "the layout table in docs/operations.md has " + rows.Count + " rows");
        await using var cluster = await FakeCluster.StartAsync(etcd.Options("/registry"), ct);
        await CreateExamplesAsync(cluster.Client, ct);
        using var http = cluster.Http();

        var checkedKeys = 0;
        foreach (var row in rows.Where(r => r.Example.Length > 0))
        {
            var found = await etcd.GetAsync("/registry/" + row.Example, ct);
            Assert.True(found.Count == 1, $"/registry/{row.Example} holds {found.Count} keys");
            var (key, value, modRevision) = found[0];
            Assert.Equal(row.Kind, (string?)value["kind"]);
            Assert.Null(value["metadata"]!["resourceVersion"]);
            var served = await http.GetStringAsync(ApiPath(row, value), ct);
            Assert.Contains($"\"resourceVersion\":\"{modRevision.ToString(CultureInfo.InvariantCulture)}\"", served, StringComparison.Ordinal);
            Assert.StartsWith("/registry/", key, StringComparison.Ordinal);
            checkedKeys++;
        }

        Assert.True(checkedKeys >= 20, $"{checkedKeys} example keys checked");

        // Every key under the prefix matches one of the table's patterns.
        var patterns = rows.Select(r => Pattern(r.Key)).ToList();
        foreach (var (key, _, _) in await etcd.GetAsync("/registry/", ct, prefix: true))
        {
            Assert.True(patterns.Any(p => p.IsMatch(key["/registry/".Length..])), $"{key} is not in the layout table");
        }
    }

    private static async Task CreateExamplesAsync(IKubernetes client, CancellationToken ct)
    {
        var meta = new V1ObjectMeta { Name = "layout", NamespaceProperty = "default" };
        await client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = "layout" } }, cancellationToken: ct);
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = meta }, "default", cancellationToken: ct);
        await client.CoreV1.CreateNamespacedEndpointsAsync(new V1Endpoints { Metadata = meta }, "default", cancellationToken: ct);
        await client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(new V1EndpointSlice { Metadata = meta, AddressType = "IPv4", Endpoints = [] }, "default", cancellationToken: ct);
        await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = meta, StringData = new Dictionary<string, string> { ["k"] = "v" } }, "default", cancellationToken: ct);
        var podSpec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = "busybox" }] };
        await client.CoreV1.CreateNamespacedPodAsync(new V1Pod { Metadata = meta, Spec = podSpec }, "default", cancellationToken: ct);
        var labels = new Dictionary<string, string> { ["app"] = "layout" };
        var template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = labels }, Spec = podSpec };
        await client.CoreV1.CreateNamespacedReplicationControllerAsync(
            new V1ReplicationController { Metadata = meta, Spec = new V1ReplicationControllerSpec { Replicas = 0, Selector = labels, Template = template } }, "default", cancellationToken: ct);
        await client.AppsV1.CreateNamespacedDeploymentAsync(
            new V1Deployment { Metadata = meta, Spec = new V1DeploymentSpec { Replicas = 0, Selector = new V1LabelSelector { MatchLabels = labels }, Template = template } }, "default", cancellationToken: ct);
        var jobSpec = new V1PodSpec { Containers = podSpec.Containers, RestartPolicy = "Never" };
        await client.BatchV1.CreateNamespacedJobAsync(
            new V1Job { Metadata = meta, Spec = new V1JobSpec { Template = new V1PodTemplateSpec { Spec = jobSpec } } }, "default", cancellationToken: ct);
        await client.NetworkingV1.CreateNamespacedIngressAsync(
            new V1Ingress { Metadata = meta, Spec = new V1IngressSpec { DefaultBackend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = "web", Port = new V1ServiceBackendPort { Number = 80 } } } } },
            "default", cancellationToken: ct);
        await client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease { Metadata = meta, Spec = new V1LeaseSpec { HolderIdentity = "layout" } }, "default", cancellationToken: ct);
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(new V1CustomResourceDefinition
        {
            Metadata = new V1ObjectMeta { Name = "widgets.example.com" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = "example.com",
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames { Plural = "widgets", Singular = "widget", Kind = "Widget", ListKind = "WidgetList" },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = "v1", Served = true, Storage = true,
                        Schema = new V1CustomResourceValidation { OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true } },
                    },
                ],
            },
        }, cancellationToken: ct);
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(
            new Dictionary<string, object> { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget", ["metadata"] = new Dictionary<string, object> { ["name"] = "layout" } },
            "example.com", "v1", "default", "widgets", cancellationToken: ct);
    }

    /// <summary>The API path of a row's example object, from its etcd value's apiVersion and the row's key.</summary>
    private static string ApiPath(LayoutRow row, System.Text.Json.Nodes.JsonObject value)
    {
        var apiVersion = (string)value["apiVersion"]!;
        var root = apiVersion.Contains('/', StringComparison.Ordinal) ? "/apis/" + apiVersion : "/api/" + apiVersion;
        var name = (string)value["metadata"]!["name"]!;
        var ns = (string?)value["metadata"]!["namespace"];
        var resource = row.Kind switch
        {
            "Node" => "nodes",
            "Service" => "services",
            "Endpoints" => "endpoints",
            "EndpointSlice" => "endpointslices",
            "ReplicationController" => "replicationcontrollers",
            "Ingress" => "ingresses",
            _ => row.Example.Split('/')[row.Example.Count(c => c == '/') - (ns is null ? 1 : 2)],
        };
        return root + (ns is null ? "" : "/namespaces/" + ns) + "/" + resource + "/" + name;
    }

    /// <summary>A key pattern such as `services/specs/&lt;namespace&gt;/&lt;name&gt;` as a regex; `&lt;resource&gt;`, `[...]` optional parts.</summary>
    private static Regex Pattern(string key)
    {
        var escaped = Regex.Escape(key).Replace(@"\[", "(?:", StringComparison.Ordinal).Replace("]", ")?", StringComparison.Ordinal);
        escaped = Placeholder().Replace(escaped, "[^/]+");
        return new Regex("^" + escaped + "$", RegexOptions.CultureInvariant);
    }

    private static List<LayoutRow> LayoutTable()
    {
        var docs = Path.Combine(RepositoryRoot(), "docs", "operations.md");
        var lines = File.ReadAllLines(docs).SkipWhile(l => !l.StartsWith("## Key layout", StringComparison.Ordinal));
        var rows = new List<LayoutRow>();
        foreach (var line in lines.Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(1))
        {
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            var key = Code().Match(cells[2]).Groups[1].Value;
            var example = cells.Length > 3 ? Code().Match(cells[3]).Groups[1].Value : "";
            rows.Add(new LayoutRow(cells[0].Split(' ')[0].TrimEnd(','), key, example));
        }

        return rows;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "docs", "operations.md")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("docs/operations.md not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("`([^`]*)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"<[a-z]+>")]
    private static partial Regex Placeholder();

    private sealed record LayoutRow(string Kind, string Key, string Example);
}
