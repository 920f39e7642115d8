using System.Text.Json.Nodes;
using FakeApiServer.Features;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Admission;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// The admission chain with real kubectl: the PodNetwork plugin (spec section 4) on the multi-network example pod,
/// its four refusals, PodNetworkProtection, and admission webhooks served by a real HTTPS server in the test process.
/// No controller creates the default PodNetwork yet, so the tests that delete it create it first.
/// </summary>
public sealed class AdmissionTests
{
    private static readonly FakeClusterOptions MultiNetworkOn = new()
    {
        FeatureGates = FeatureGates.Parse("MultiNetwork=true"),
        RuntimeConfig = new Dictionary<string, bool> { ["api/alpha"] = true },
    };

    private const string PodUbuntu = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: ubuntu
        spec:
          networks:
          - podNetworkName: dataplane
            interfaceName: net1
          containers:
          - name: ubuntu
            image: lioneljouin/example-application:latest
            command:
            - /bin/bash
            - -c
            args:
            - sleep infinity
        """;

    private const string DefaultEntry = """{"podNetworkName":"kubernetes","interfaceName":"eth0","isDefaultGW4":true,"isDefaultGW6":true}""";

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

    private static string Pod(string name, string spec) => $"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {name}
        spec:
          containers:
          - name: app
            image: nginx
        {spec}
        """;

    private static string PodNetwork(string name) => $"""
        apiVersion: networking.k8s.io/v1alpha1
        kind: PodNetwork
        metadata:
          name: {name}
        spec:
          provider: example.com/cni
        """;

    private static JsonObject Json(KubectlResult result) => (JsonObject)JsonNode.Parse(result.Stdout)!;

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Apply_of_the_example_pod_stores_the_default_network_last_and_host_network_pods_get_none(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        var file = kubectl.WriteFile("03-pod-ubuntu.yaml", Example("03-pod-ubuntu.yaml", PodUbuntu));
        var host = kubectl.WriteFile("host.yaml", Pod("host", "  hostNetwork: true"));

        var applied = (await kubectl.RunAsync("apply", "-f", file)).Succeeded();
        (await kubectl.RunAsync("apply", "-f", host)).Succeeded();
        var ubuntu = Json((await kubectl.RunAsync("get", "pod", "ubuntu", "-o", "json")).Succeeded());
        var hostPod = Json((await kubectl.RunAsync("get", "pod", "host", "-o", "json")).Succeeded());

        Assert.Equal("pod/ubuntu created\n", applied.Stdout);
        var networks = ubuntu["spec"]!["networks"]!.AsArray();
        Assert.Equal("""{"interfaceName":"net1","podNetworkName":"dataplane"}""", Sorted(networks[0]!));
        Assert.Equal(Sorted(JsonNode.Parse(DefaultEntry)!), Sorted(networks[^1]!));
        Assert.Null(hostPod["spec"]!["networks"]);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Each_pod_network_refusal_is_a_403_with_the_specs_message(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        var cases = new (string Name, string Spec, string Message)[]
        {
            ("host-nets", "  hostNetwork: true\n  networks:\n  - podNetworkName: dataplane\n    interfaceName: net1",
                "networks cannot be set for a pod using the host network namespace"),
            ("half-gateway", "  networks:\n  - podNetworkName: kubernetes\n    interfaceName: eth0\n    isDefaultGW4: true",
                "the default network kubernetes must be the default gateway (v4 and v6)"),
            ("other-gateway", "  networks:\n  - podNetworkName: dataplane\n    interfaceName: net1\n    isDefaultGW6: true",
                "only kubernetes can be the default network"),
            ("twice", "  networks:\n  - {podNetworkName: kubernetes, interfaceName: eth0, isDefaultGW4: true, isDefaultGW6: true}\n  - {podNetworkName: kubernetes, interfaceName: eth1, isDefaultGW4: true, isDefaultGW6: true}",
                "the default network kubernetes can only be referred once in a pod"),
        };

        foreach (var (name, spec, message) in cases)
        {
            var file = kubectl.WriteFile(name + ".yaml", Pod(name, spec));
            var result = await kubectl.RunAsync("create", "-f", file);
            result.FailedWith($"Error from server (Forbidden): error when creating \"{file}\": pods \"{name}\" is forbidden: {message}");
        }

        var verbose = await kubectl.RunAsync("create", "-f", Path.Combine(kubectl.Folder, "twice.yaml"), "-v=6");
        Assert.Contains("403 Forbidden", verbose.Stderr, StringComparison.Ordinal);
        (await kubectl.RunAsync("get", "pods", "-o", "name")).Succeeded();
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Deleting_the_default_pod_network_is_refused_and_dataplane_can_go(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn, timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("kubernetes.yaml", PodNetwork("kubernetes")))).Succeeded();
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("dataplane.yaml", PodNetwork("dataplane")))).Succeeded();

        (await kubectl.RunAsync("delete", "pn", "kubernetes"))
            .FailedWith("Error from server (Forbidden): podnetworks \"kubernetes\" is forbidden: the default PodNetwork cannot be deleted");
        var deleted = (await kubectl.RunAsync("delete", "pn", "dataplane")).Succeeded();
        var left = (await kubectl.RunAsync("get", "pn", "-o", "name")).Succeeded();

        Assert.Equal("podnetwork.networking.k8s.io \"dataplane\" deleted\n", deleted.Stdout);
        Assert.Equal("podnetwork.networking.k8s.io/kubernetes\n", left.Stdout);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task With_pod_network_disabled_the_pod_is_stored_as_sent(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(MultiNetworkOn with { DisableAdmissionPlugins = ["PodNetwork"] }, timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        var sent = Pod("raw", "  networks:\n  - podNetworkName: dataplane\n    interfaceName: net1\n    isDefaultGW4: true");

        (await kubectl.RunAsync("create", "-f", kubectl.WriteFile("raw.yaml", sent))).Succeeded();
        var pod = Json((await kubectl.RunAsync("get", "pod", "raw", "-o", "json")).Succeeded());

        Assert.Equal("""[{"interfaceName":"net1","isDefaultGW4":true,"podNetworkName":"dataplane"}]""", Sorted(pod["spec"]!["networks"]!));
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Validating_and_mutating_webhooks_take_effect_on_kubectl_create(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var webhook = await TestWebhookServer.StartAsync(r =>
            r["object"]?["metadata"]?["name"]?.GetValue<string>() == "bad"
                ? TestWebhookServer.Deny("bad names are refused")
                : TestWebhookServer.Patch("""[{"op":"add","path":"/metadata/labels","value":{"stamped":"yes"}}]"""), ct);
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        var caBundle = Convert.ToBase64String(webhook.CaBundle);
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("webhooks.yaml", $$"""
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingWebhookConfiguration
            metadata:
              name: deny
            webhooks:
            - name: deny.example.com
              clientConfig:
                url: {{webhook.Url("/validate")}}
                caBundle: {{caBundle}}
              rules:
              - {operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}
              sideEffects: None
              admissionReviewVersions: [v1]
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: MutatingWebhookConfiguration
            metadata:
              name: stamp
            webhooks:
            - name: stamp.example.com
              clientConfig:
                url: {{webhook.Url("/mutate")}}
                caBundle: {{caBundle}}
              rules:
              - {operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}
              objectSelector:
                matchExpressions:
                - {key: skip, operator: DoesNotExist}
              sideEffects: None
              admissionReviewVersions: [v1]
            """))).Succeeded();

        var bad = kubectl.WriteFile("bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n  labels: {skip: \"true\"}\ndata:\n  a: \"1\"\n");
        var good = kubectl.WriteFile("good.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\ndata:\n  a: \"1\"\n");
        var refused = await kubectl.RunAsync("create", "-f", bad);
        var created = (await kubectl.RunAsync("create", "-f", good)).Succeeded();
        var label = (await kubectl.RunAsync("get", "configmap", "good", "-o", "jsonpath={.metadata.labels.stamped}")).Succeeded();
        var webhooks = (await kubectl.RunAsync("get", "validatingwebhookconfigurations")).Succeeded();

        // The webhook's Status carries no reason, so kubectl prints none, as with kube-apiserver.
        refused.FailedWith($"Error from server: error when creating \"{bad}\": admission webhook \"deny.example.com\" denied the request: bad names are refused");
        Assert.Equal("configmap/good created\n", created.Stdout);
        Assert.Equal("yes", label.Stdout);
        Assert.Equal(["NAME", "WEBHOOKS", "AGE"], webhooks.Header());
        Assert.Equal(["deny", "1"], webhooks.Row("deny").Take(2));
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Failure_policy_fail_refuses_and_ignore_admits_when_the_webhook_is_down(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        var dead = TestWebhookServer.DeadUrl();
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("down.yaml", $$"""
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingWebhookConfiguration
            metadata:
              name: down
            webhooks:
            - name: fail.example.com
              clientConfig: {url: "{{dead}}"}
              rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
              objectSelector: {matchLabels: {policy: fail} }
              failurePolicy: Fail
              sideEffects: None
              admissionReviewVersions: [v1]
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: MutatingWebhookConfiguration
            metadata:
              name: down
            webhooks:
            - name: ignore.example.com
              clientConfig: {url: "{{dead}}"}
              rules: [{operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}]
              objectSelector: {matchLabels: {policy: ignore} }
              failurePolicy: Ignore
              sideEffects: None
              admissionReviewVersions: [v1]
            """))).Succeeded();
        var fail = kubectl.WriteFile("fail.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: f\n  labels: {policy: fail}\n");
        var ignore = kubectl.WriteFile("ignore.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: i\n  labels: {policy: ignore}\n");

        var failed = await kubectl.RunAsync("create", "-f", fail);
        var ignored = (await kubectl.RunAsync("create", "-f", ignore)).Succeeded();

        Assert.NotEqual(0, failed.ExitCode);
        Assert.StartsWith($"Error from server (InternalError): error when creating \"{fail}\": Internal error occurred: failed calling webhook \"fail.example.com\": failed to call webhook: Post \"{dead}?timeout=10s\": ",
            failed.Stderr, StringComparison.Ordinal);
        Assert.Equal("configmap/i created\n", ignored.Stdout);
    }

    /// <summary>A JSON object with its properties sorted, so kubectl's key order does not matter.</summary>
    private static string Sorted(JsonNode node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JsonValue.Create(p.Key).ToJsonString() + ":" + (p.Value is null ? "null" : Sorted(p.Value)))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(i => i is null ? "null" : Sorted(i))) + "]",
        _ => node.ToJsonString(),
    };
}
