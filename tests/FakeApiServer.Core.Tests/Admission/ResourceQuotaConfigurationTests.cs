using System.Net;
using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using k8s;
using static FakeApiServer.Tests.Controllers.ResourceQuotas.QuotaTestSupport;

namespace FakeApiServer.Tests.Admission;

/// <summary>
/// The ResourceQuota plugin's configuration from --admission-control-config-file: a resource its limitedResources
/// name can be consumed only in a namespace whose quotas cover it, through the KubernetesClient.
/// </summary>
public sealed class ResourceQuotaConfigurationTests
{
    private const string Configuration = """
        apiVersion: apiserver.config.k8s.io/v1
        kind: AdmissionConfiguration
        plugins:
        - name: ResourceQuota
          configuration:
            apiVersion: apiserver.config.k8s.io/v1
            kind: ResourceQuotaConfiguration
            limitedResources:
            - resource: pods
              matchContains:
              - requests.cpu
        """;

    [Fact]
    public async Task A_limited_resource_needs_a_covering_quota_and_other_consumption_does_not()
    {
        using var cts = new CancellationTokenSource(Api.ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        var folder = Directory.CreateTempSubdirectory("quota-config-");
        try
        {
            var file = Path.Combine(folder.FullName, "admission.yaml");
            await File.WriteAllTextAsync(file, Configuration, ct);
            await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions
            {
                AdmissionControlConfigFile = file,
                Controllers = ControllerSelection.Parse("namespace,resourcequota,serviceaccount"),
            }, ct);
            var client = cluster.Client;

            var (code, message) = await RefusedAsync(() => client.CoreV1.CreateNamespacedPodAsync(Pod("asks-cpu", Resources(cpuRequest: "250m")), Ns, cancellationToken: ct));
            await client.CoreV1.CreateNamespacedPodAsync(Pod("asks-nothing"), Ns, cancellationToken: ct);
            await CreateQuotaAsync(client, NewQuota("pods-only", new Dictionary<string, string> { ["pods"] = "10" }), ct);
            var (_, uncovered) = await RefusedAsync(() => client.CoreV1.CreateNamespacedPodAsync(Pod("asks-cpu", Resources(cpuRequest: "250m")), Ns, cancellationToken: ct));
            await CreateQuotaAsync(client, NewQuota("cpu", new Dictionary<string, string> { ["requests.cpu"] = "1" }), ct);
            var created = await client.CoreV1.CreateNamespacedPodAsync(Pod("asks-cpu", Resources(cpuRequest: "250m")), Ns, cancellationToken: ct);

            Assert.Equal(HttpStatusCode.Forbidden, code);
            Assert.Equal("pods \"asks-cpu\" is forbidden: insufficient quota to consume: requests.cpu", message);
            Assert.Equal("pods \"asks-cpu\" is forbidden: insufficient quota to consume: requests.cpu", uncovered);
            Assert.Equal("asks-cpu", created.Metadata.Name);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_plugin_configuration_of_another_kind_stops_the_server_with_the_reason()
    {
        using var cts = new CancellationTokenSource(Api.ApiTestSupport.TestTimeout);
        var ct = cts.Token;
        var folder = Directory.CreateTempSubdirectory("quota-config-");
        try
        {
            var file = Path.Combine(folder.FullName, "admission.yaml");
            await File.WriteAllTextAsync(file, Configuration.Replace("kind: ResourceQuotaConfiguration", "kind: QuotaConfiguration", StringComparison.Ordinal), ct);

            var error = await Assert.ThrowsAsync<FormatException>(() => FakeCluster.StartAsync(new FakeClusterOptions { AdmissionControlConfigFile = file }, ct));

            Assert.Equal(
                "ResourceQuota configuration error: expected kind ResourceQuotaConfiguration of apiserver.config.k8s.io/v1, resourcequota.admission.k8s.io/v1beta1, "
                + "resourcequota.admission.k8s.io/v1alpha1, got kind \"QuotaConfiguration\" of \"apiserver.config.k8s.io/v1\"",
                error.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
