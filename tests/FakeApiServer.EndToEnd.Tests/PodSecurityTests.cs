using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// The PodSecurity admission plugin with real kubectl: a privileged pod in a namespace labelled
/// pod-security.kubernetes.io/enforce=restricted is refused with kube-apiserver's message; with warn=restricted it is
/// created and kubectl prints the warning; labelling a namespace whose pods violate the new level prints upstream's warnings.
/// </summary>
public sealed class PodSecurityTests
{
    private const string PrivilegedPod = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: priv
        spec:
          containers:
          - name: app
            image: nginx:1.27
            securityContext:
              privileged: true
        """;

    private const string Violations =
        "privileged (container \"app\" must not set securityContext.privileged=true), " +
        "allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false), " +
        "unrestricted capabilities (container \"app\" must set securityContext.capabilities.drop=[\"ALL\"]), " +
        "runAsNonRoot != true (pod or container \"app\" must set securityContext.runAsNonRoot=true), " +
        "seccompProfile (pod or container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")";

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task A_privileged_pod_in_a_restricted_namespace_is_refused_with_upstreams_message(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        var file = kubectl.WriteFile("pod.yaml", PrivilegedPod);
        (await kubectl.RunAsync("create", "namespace", "secure")).Succeeded();
        (await kubectl.RunAsync("label", "namespace", "secure", "pod-security.kubernetes.io/enforce=restricted")).Succeeded();

        var refused = await kubectl.RunAsync("create", "-n", "secure", "-f", file);

        refused.FailedWith($"Error from server (Forbidden): error when creating \"{file}\": pods \"priv\" is forbidden: violates PodSecurity \"restricted:latest\": {Violations}");
        Assert.Equal("No resources found in secure namespace.\n", (await kubectl.RunAsync("get", "pods", "-n", "secure")).Stderr);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task A_privileged_pod_in_a_warn_restricted_namespace_is_created_and_kubectl_prints_the_warning(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        var file = kubectl.WriteFile("pod.yaml", PrivilegedPod);
        (await kubectl.RunAsync("create", "namespace", "watched")).Succeeded();
        (await kubectl.RunAsync("label", "namespace", "watched", "pod-security.kubernetes.io/warn=restricted")).Succeeded();

        var created = await kubectl.RunAsync("apply", "-n", "watched", "-f", file);

        Assert.Equal(0, created.ExitCode);
        Assert.Equal($"Warning: would violate PodSecurity \"restricted:latest\": {Violations}\n", created.Stderr);
        Assert.Equal("pod/priv created\n", created.Stdout);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task Labelling_a_namespace_whose_pods_violate_the_level_prints_upstreams_warnings(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        var file = kubectl.WriteFile("pod.yaml", PrivilegedPod);
        (await kubectl.RunAsync("create", "namespace", "busy")).Succeeded();
        (await kubectl.RunAsync("create", "-n", "busy", "-f", file)).Succeeded();

        var labelled = await kubectl.RunAsync("label", "namespace", "busy", "pod-security.kubernetes.io/enforce=baseline");
        var invalid = await kubectl.RunAsync("label", "namespace", "busy", "pod-security.kubernetes.io/audit=strict");

        Assert.Equal(0, labelled.ExitCode);
        Assert.Equal(
            "Warning: existing pods in namespace \"busy\" violate the new PodSecurity enforce level \"baseline:latest\"\n" +
            "Warning: priv: privileged\n",
            labelled.Stderr);
        Assert.Equal("namespace/busy labeled\n", labelled.Stdout);
        invalid.FailedWith(
            "The Namespace \"busy\" is invalid: metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: \"strict\": must be one of privileged, baseline, restricted");
    }
}
