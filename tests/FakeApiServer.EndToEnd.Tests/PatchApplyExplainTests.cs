using FakeApiServer.Testing;
using k8s;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// Issue 3 through real kubectl: client-side apply of an edited object (three-way strategic merge), the three patch
/// types, field validation with --validate=warn, explain at nested depths, and the table options --sort-by and -L.
/// </summary>
public sealed class PatchApplyExplainTests
{
    private const string First = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels:
            app: web
            tier: front
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: nginx:1.25
                env:
                - name: A
                  value: "1"
                - name: B
                  value: "2"
        """;

    private const string Edited = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels:
            app: web
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: nginx:1.25
                env:
                - name: A
                  value: "1"
                - name: B
                  value: "20"
              - name: log
                image: fluentd:1
        """;

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Client_side_apply_of_an_edited_file_merges_lists_by_key_and_a_second_apply_changes_nothing(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        var first = kubectl.WriteFile("first.yaml", First);
        var edited = kubectl.WriteFile("edited.yaml", Edited);
        (await kubectl.RunAsync("apply", "-f", first)).Succeeded();

        var configured = (await kubectl.RunAsync("apply", "-f", edited)).Succeeded();
        var afterEdit = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);
        var unchanged = (await kubectl.RunAsync("apply", "-f", edited)).Succeeded();
        var afterSecond = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);

        Assert.Equal("deployment.apps/web configured\n", configured.Stdout);
        Assert.Equal("deployment.apps/web unchanged\n", unchanged.Stdout);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web" }, afterEdit.Metadata.Labels);
        var containers = afterEdit.Spec.Template.Spec.Containers;
        Assert.Equal(["web", "log"], containers.Select(c => c.Name));
        Assert.Equal(["A=1", "B=20"], containers[0].Env.Select(e => e.Name + "=" + e.Value));
        Assert.Equal("fluentd:1", containers[1].Image);
        Assert.Equal("IfNotPresent", containers[1].ImagePullPolicy);
        Assert.Equal(afterEdit.Metadata.ResourceVersion, afterSecond.Metadata.ResourceVersion);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Json_merge_and_strategic_patches_give_the_upstream_result(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("first.yaml", First))).Succeeded();

        var strategic = (await kubectl.RunAsync("patch", "deployment", "web", "--type", "strategic", "-p",
            """{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"C","value":"3"}]}]}}}}""")).Succeeded();
        var merge = (await kubectl.RunAsync("patch", "deployment", "web", "--type", "merge", "-p",
            """{"metadata":{"labels":{"tier":null,"team":"net"}},"spec":{"replicas":3}}""")).Succeeded();
        var json = (await kubectl.RunAsync("patch", "deployment", "web", "--type", "json", "-p",
            """[{"op":"test","path":"/spec/replicas","value":3},{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.27"}]""")).Succeeded();
        var failedTest = await kubectl.RunAsync("patch", "deployment", "web", "--type", "json", "-p",
            """[{"op":"test","path":"/spec/replicas","value":9},{"op":"replace","path":"/spec/replicas","value":1}]""");
        var result = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default", cancellationToken: ct);

        Assert.Equal("deployment.apps/web patched\n", strategic.Stdout);
        Assert.Equal("deployment.apps/web patched\n", merge.Stdout);
        Assert.Equal("deployment.apps/web patched\n", json.Stdout);
        Assert.Equal(["A=1", "B=2", "C=3"], result.Spec.Template.Spec.Containers.Single().Env.Select(e => e.Name + "=" + e.Value));
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web", ["team"] = "net" }, result.Metadata.Labels);
        Assert.Equal(3, result.Spec.Replicas);
        Assert.Equal("nginx:1.27", result.Spec.Template.Spec.Containers.Single().Image);
        Assert.NotEqual(0, failedTest.ExitCode);
        Assert.Contains("testing value /spec/replicas failed", failedTest.Stderr, StringComparison.Ordinal);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task A_misspelled_field_fails_strict_validation_and_only_warns_with_validate_warn(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        var manifest = kubectl.WriteFile("typo.yaml", First.Replace("image: nginx:1.25", "image: nginx:1.25\n        imagee: typo", StringComparison.Ordinal));

        var strict = await kubectl.RunAsync("create", "-f", manifest);
        var warn = await kubectl.RunAsync("create", "-f", manifest, "--validate=warn");

        Assert.Equal(1, strict.ExitCode);
        Assert.Equal(
            "Error from server (BadRequest): error when creating \"typo.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.template.spec.containers[0].imagee\"",
            strict.Stderr.Trim().Replace(manifest, "typo.yaml", StringComparison.Ordinal));
        Assert.Equal(0, warn.ExitCode);
        Assert.Equal("Warning: unknown field \"spec.template.spec.containers[0].imagee\"\n", warn.Stderr);
        Assert.Equal("deployment.apps/web created\n", warn.Stdout);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Explain_describes_nested_fields_of_pods_deployments_and_services(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);

        var results = await Task.WhenAll(
            kubectl.RunAsync("explain", "deployment.spec.template.spec.containers.ports"),
            kubectl.RunAsync("explain", "pod.spec.containers.env.valueFrom"),
            kubectl.RunAsync("explain", "service.spec.ports.targetPort"));
        var ports = results[0].Succeeded();
        var valueFrom = results[1].Succeeded();
        var targetPort = results[2].Succeeded();

        Assert.Contains(ports.Lines, l => KubectlResult.Columns(l) is ["KIND:", "Deployment"]);
        Assert.Contains(ports.Lines, l => l.StartsWith("FIELD: ports <[]ContainerPort>", StringComparison.Ordinal));
        Assert.Contains(ports.Lines, l => l.StartsWith("containerPort\t<integer> -required-", StringComparison.Ordinal));
        Assert.Contains(ports.Lines, l => l.StartsWith("protocol\t<string>", StringComparison.Ordinal));
        Assert.Contains(valueFrom.Lines, l => l.StartsWith("configMapKeyRef\t<ConfigMapKeySelector>", StringComparison.Ordinal));
        Assert.Contains(targetPort.Lines, l => l.StartsWith("DESCRIPTION:", StringComparison.Ordinal));
        Assert.True(targetPort.Lines.Count > 3, targetPort.ToString());
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Sort_by_and_label_columns_work_on_server_side_tables(string version)
    {
        using var timeout = E2E.Timeout();
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var kubectl = Kubectl.For(cluster, version);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(E2E.ConfigMap("b", data: [("k", "1"), ("l", "2")]), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(E2E.ConfigMap("a", data: [("k", "1")]), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new k8s.Models.V1Patch("""{"metadata":{"labels":{"team":"net"}}}""", k8s.Models.V1Patch.PatchType.MergePatch), "b", "default", cancellationToken: ct);

        var sorted = (await kubectl.RunAsync("get", "cm", "-l", "!missing", "--sort-by=.data.k", "-L", "team")).Succeeded();

        Assert.Equal(["NAME", "DATA", "AGE", "TEAM"], sorted.Header());
        Assert.Equal(["a", "b"], sorted.Lines.Skip(1).Select(l => KubectlResult.Columns(l)[0]));
        Assert.Equal("net", KubectlResult.Columns(sorted.Lines.Single(l => l.StartsWith("b ", StringComparison.Ordinal)))[^1]);
    }
}
