using System.Text.Json.Nodes;
using FakeApiServer.Features;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// KEP-3698 multi-network with real kubectl: PodNetwork and PodNetworkAttachment (networking.k8s.io/v1alpha1) and pods
/// with spec.networks, on a server started as the shipped configuration (MultiNetwork on, alpha APIs on) or with both off.
/// The examples are ../shared/examples/multinetwork/; the default network entry that the PodNetwork admission plugin
/// appends to pods comes with a later issue, so pods keep exactly the networks they were created with here.
/// </summary>
public sealed class MultiNetworkTests
{
    private static readonly FakeClusterOptions MultiNetworkOn = new()
    {
        FeatureGates = FeatureGates.Parse("MultiNetwork=true"),
        RuntimeConfig = new Dictionary<string, bool> { ["api/alpha"] = true },
    };

    private const string PodNetworkDataplane = """
        apiVersion: networking.k8s.io/v1alpha1
        kind: PodNetwork
        metadata:
          name: dataplane
        spec:
          enabled: true
          provider: k8s.cni.cncf.io/multus
          parametersRefs:
          - group: "k8s.cni.cncf.io/v1"
            kind: NetworkAttachmentDefinition
            namespace: default
            name: macvlan-nad
        """;

    private const string PodUbuntu = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: ubuntu
        spec:
          networks:
          - podNetworkName: dataplane
            interfaceName: net1
          - podNetworkAttachmentName: fast
            interfaceName: net2
          - podNetworkName: kubernetes
            interfaceName: eth0
            isDefaultGW4: true
            isDefaultGW6: true
          containers:
          - name: ubuntu
            image: lioneljouin/example-application:latest
            command:
            - /bin/bash
            - -c
            args:
            - sleep infinity
        """;

    /// <summary>The example file when the shared folder is there, else the same content.</summary>
    private static string Example(string file, string fallback)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "shared", "examples", "multinetwork", file);
            if (File.Exists(path))
            {
                return File.ReadAllText(path);
            }
        }

        return fallback;
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Apply_pod_network_then_get_shows_its_columns_and_explain_describes_parameters_refs(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        var file = kubectl.WriteFile("02-podnetwork-dataplane.yaml", Example("02-podnetwork-dataplane.yaml", PodNetworkDataplane));

        var applied = (await kubectl.RunAsync("apply", "-f", file)).Succeeded();
        var get = (await kubectl.RunAsync("get", "pn")).Succeeded();
        var wide = (await kubectl.RunAsync("get", "podnetworks", "-o", "wide")).Succeeded();
        var explain = (await kubectl.RunAsync("explain", "podnetwork.spec.parametersRefs")).Succeeded();

        Assert.Equal("podnetwork.networking.k8s.io/dataplane created\n", applied.Stdout);
        Assert.Equal(["NAME", "ENABLED", "PROVIDER", "READY", "AGE"], get.Header());
        Assert.Equal(["dataplane", "true", "k8s.cni.cncf.io/multus", "Unknown"], get.Row("dataplane").Take(4));
        Assert.Equal(["NAME", "ENABLED", "PROVIDER", "READY", "AGE", "PARAMETERS"], wide.Header());
        Assert.Equal("NetworkAttachmentDefinition/default/macvlan-nad", wide.Row("dataplane")[^1]);
        Assert.Contains("ParametersRefs points to the vendor or implementation specific params", explain.Stdout, StringComparison.Ordinal);
        foreach (var field in new[] { "group", "kind", "name", "namespace" })
        {
            Assert.Contains(explain.Lines, l => l.StartsWith(field + "\t<string>", StringComparison.Ordinal) || l.StartsWith(field + " <string>", StringComparison.Ordinal)
                || KubectlResult.Columns(l).FirstOrDefault() == field);
        }

        Assert.Contains("Group is the API group of k8s resource", explain.Stdout, StringComparison.Ordinal);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Patch_of_enabled_bumps_generation_provider_is_immutable_and_status_cannot_change_spec(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("pn.yaml", PodNetworkDataplane))).Succeeded();

        (await kubectl.RunAsync("patch", "pn", "dataplane", "--type=merge", "-p", """{"spec":{"enabled":false}}""")).Succeeded();
        var afterEnabled = Json((await kubectl.RunAsync("get", "pn", "dataplane", "-o", "json")).Succeeded());
        var provider = await kubectl.RunAsync("patch", "pn", "dataplane", "--type=merge", "-p", """{"spec":{"provider":"acme.io/other"}}""");
        (await kubectl.RunAsync("patch", "pn", "dataplane", "--subresource=status", "--type=merge", "-p",
            """{"spec":{"enabled":true,"provider":"acme.io/other"},"status":{"conditions":[{"type":"Ready","status":"False","reason":"AdministrativelyDisabled","message":"disabled","lastTransitionTime":"2024-06-01T12:00:00Z"}]}}""")).Succeeded();
        var afterStatus = Json((await kubectl.RunAsync("get", "pn", "dataplane", "-o", "json")).Succeeded());
        var get = (await kubectl.RunAsync("get", "pn")).Succeeded();

        Assert.Equal(2, (long?)afterEnabled["metadata"]?["generation"]);
        Assert.False((bool?)afterEnabled["spec"]?["enabled"]);
        provider.FailedWith("The PodNetwork \"dataplane\" is invalid: spec.provider: Invalid value: \"acme.io/other\": field is immutable");
        Assert.False((bool?)afterStatus["spec"]?["enabled"]);
        Assert.Equal("k8s.cni.cncf.io/multus", (string?)afterStatus["spec"]?["provider"]);
        Assert.Equal(2, (long?)afterStatus["metadata"]?["generation"]);
        Assert.Equal("AdministrativelyDisabled", (string?)afterStatus["status"]?["conditions"]?[0]?["reason"]);
        Assert.Equal(["dataplane", "false", "k8s.cni.cncf.io/multus", "False"], get.Row("dataplane").Take(4));
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Attachment_needs_a_pod_network_name_and_works_in_a_namespace(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        await cluster.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-a" } }, cancellationToken: timeout.Token);
        var missing = kubectl.WriteFile("missing.yaml", """
            apiVersion: networking.k8s.io/v1alpha1
            kind: PodNetworkAttachment
            metadata:
              name: fast
              namespace: team-a
            spec:
              parametersRefs:
              - {group: example.com, kind: PodParams, name: params-a}
            """);
        var good = kubectl.WriteFile("good.yaml", """
            apiVersion: networking.k8s.io/v1alpha1
            kind: PodNetworkAttachment
            metadata:
              name: fast
              namespace: team-a
            spec:
              podNetworkName: dataplane
              parametersRefs:
              - {group: example.com, kind: PodParams, namespace: team-a, name: params-a}
            """);

        var refused = await kubectl.RunAsync("apply", "-f", missing);
        var created = (await kubectl.RunAsync("apply", "-f", good)).Succeeded();
        var get = (await kubectl.RunAsync("get", "pna", "-n", "team-a", "-o", "wide")).Succeeded();

        refused.FailedWith("The PodNetworkAttachment \"fast\" is invalid: spec.podNetworkName: Required value");
        Assert.Equal("podnetworkattachment.networking.k8s.io/fast created\n", created.Stdout);
        Assert.Equal(["NAME", "PODNETWORK", "READY", "AGE", "PARAMETERS"], get.Header());
        Assert.Equal(["fast", "dataplane", "Unknown"], get.Row("fast").Take(3));
        Assert.Equal("PodParams/team-a/params-a", get.Row("fast")[^1]);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Pod_with_networks_round_trips_through_apply_get_yaml_and_the_kubernetes_client(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, ct);
        using var kubectl = Kubectl.For(cluster, version);
        var file = kubectl.WriteFile("03-pod-ubuntu.yaml", PodUbuntu);

        (await kubectl.RunAsync("apply", "-f", file)).Succeeded();
        var again = (await kubectl.RunAsync("apply", "-f", file)).Succeeded();
        var yaml = (await kubectl.RunAsync("get", "pod", "ubuntu", "-o", "yaml")).Succeeded();
        var json = Json((await kubectl.RunAsync("get", "pod", "ubuntu", "-o", "json")).Succeeded());
        var wide = (await kubectl.RunAsync("get", "pod", "ubuntu", "-o", "wide")).Succeeded();
        using var client = new GenericClient(cluster.Client, "", "v1", "pods", disposeClient: false);
        var read = await client.ReadNamespacedAsync<PodSpecJson>("default", "ubuntu", ct);

        var expected = JsonNode.Parse("""
            [{"podNetworkName":"dataplane","interfaceName":"net1"},
             {"podNetworkAttachmentName":"fast","interfaceName":"net2"},
             {"podNetworkName":"kubernetes","interfaceName":"eth0","isDefaultGW4":true,"isDefaultGW6":true}]
            """);
        Assert.Equal("pod/ubuntu unchanged\n", again.Stdout);
        Assert.Contains("  networks:\n  - interfaceName: net1\n    podNetworkName: dataplane\n", yaml.Stdout, StringComparison.Ordinal);
        Assert.Contains("    isDefaultGW4: true\n    isDefaultGW6: true\n", yaml.Stdout, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(expected, json["spec"]?["networks"]), json["spec"]?["networks"]?.ToJsonString());
        Assert.True(JsonNode.DeepEquals(expected, read.Spec?["networks"]), read.Spec?["networks"]?.ToJsonString());
        Assert.Equal("NETWORKS", wide.Header()[^1]);
        Assert.Equal("dataplane(net1),fast(net2),kubernetes(eth0)", wide.Row("ubuntu")[^1]);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Gate_and_runtime_config_off_hide_the_group_and_drop_pod_networks(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions
        {
            FeatureGates = FeatureGates.Parse("MultiNetwork=false"),
            RuntimeConfig = new Dictionary<string, bool> { ["networking.k8s.io/v1alpha1"] = false },
        }, timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);

        var resources = (await kubectl.RunAsync("api-resources")).Succeeded();
        var versions = (await kubectl.RunAsync("api-versions")).Succeeded();
        var get = await kubectl.RunAsync("get", "pn");
        var raw = await kubectl.RunAsync("get", "--raw", "/apis/networking.k8s.io/v1alpha1/podnetworks");
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("pod.yaml", PodUbuntu))).Succeeded();
        var pod = Json((await kubectl.RunAsync("get", "pod", "ubuntu", "-o", "json")).Succeeded());
        var wide = (await kubectl.RunAsync("get", "pod", "ubuntu", "-o", "wide")).Succeeded();

        Assert.DoesNotContain("podnetworks", resources.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("networking.k8s.io/v1alpha1", versions.Stdout, StringComparison.Ordinal);
        Assert.Contains("networking.k8s.io/v1", versions.Lines);
        Assert.NotEqual(0, get.ExitCode);
        Assert.Contains("the server doesn't have a resource type \"pn\"", get.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, raw.ExitCode);
        Assert.Contains("NotFound", raw.Stderr + raw.Stdout, StringComparison.Ordinal);
        Assert.Null(pod["spec"]?["networks"]);
        Assert.Equal("READINESS GATES", wide.Header()[^1]);
    }

    private static JsonObject Json(KubectlResult result) => JsonNode.Parse(result.Stdout)!.AsObject();

    /// <summary>A pod as the KubernetesClient reads it with the spec kept as JSON, so fields V1PodSpec lacks survive.</summary>
    private sealed class PodSpecJson : IKubernetesObject<V1ObjectMeta>
    {
        [System.Text.Json.Serialization.JsonPropertyName("apiVersion")]
        public string ApiVersion { get; set; } = "v1";

        [System.Text.Json.Serialization.JsonPropertyName("kind")]
        public string Kind { get; set; } = "Pod";

        [System.Text.Json.Serialization.JsonPropertyName("metadata")]
        public V1ObjectMeta Metadata { get; set; } = new();

        [System.Text.Json.Serialization.JsonPropertyName("spec")]
        public JsonObject? Spec { get; set; }
    }
}
