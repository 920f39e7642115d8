using System.Net;
using FakeApiServer.Hosting;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Security;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Admission.PodSecurity;

/// <summary>
/// The PodSecurity admission plugin through the KubernetesClient: enforce refusals with upstream's 403, warn levels as
/// Warning headers, policy versions, pod updates (only re-checked when an image changes or a container is added),
/// workloads (warned, never refused), namespace label validation and the warning about existing pods, and the
/// defaults and exemptions of --admission-control-config-file.
/// </summary>
public sealed class PodSecurityApiTests
{
    private const string RestrictedReasons =
        "allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false), " +
        "unrestricted capabilities (container \"app\" must set securityContext.capabilities.drop=[\"ALL\"]), " +
        "runAsNonRoot != true (pod or container \"app\" must set securityContext.runAsNonRoot=true), " +
        "seccompProfile (pod or container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")";

    private const string PrivilegedReason = "privileged (container \"app\" must not set securityContext.privileged=true)";

    private static V1Pod PrivilegedPod(string name) => KubernetesJson.Deserialize<V1Pod>(
        $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}"},"spec":{"containers":[{"name":"app","image":"nginx:1.27","securityContext":{"privileged":true}}]}}""");

    /// <summary>A pod that passes the restricted level.</summary>
    private static V1Pod RestrictedPod(string name) => KubernetesJson.Deserialize<V1Pod>(
        $$$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{{name}}}}"},"spec":{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"app","image":"nginx:1.27","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}}""");

    private static async Task NamespaceAsync(FakeCluster cluster, string name, CancellationToken ct, params (string Key, string Value)[] labels) =>
        await cluster.Client.CoreV1.CreateNamespaceAsync(
            new V1Namespace { Metadata = new V1ObjectMeta { Name = name, Labels = labels.ToDictionary(l => "pod-security.kubernetes.io/" + l.Key, l => l.Value) } },
            cancellationToken: ct);

    /// <summary>The texts of the response's Warning headers (299 - "text", unescaped).</summary>
    private static List<string> Warnings(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Warning", out var values)
            ? [.. values.Select(v => v["299 - \"".Length..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal))]
            : [];

    [Fact]
    public async Task Enforce_restricted_refuses_a_privileged_pod_with_upstreams_message()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await NamespaceAsync(cluster, "secure", ct, ("enforce", "restricted"));

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedPodAsync(PrivilegedPod("x"), "secure", cancellationToken: ct));

        var status = error.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            $"pods \"x\" is forbidden: violates PodSecurity \"restricted:latest\": {PrivilegedReason}, {RestrictedReasons}");
        Assert.Equal("x", (string?)status["details"]!["name"]);
        Assert.Equal("pods", (string?)status["details"]!["kind"]);
        Assert.False(error.Response.Headers.ContainsKey("Warning"));
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(RestrictedPod("ok"), "secure", cancellationToken: ct);
        Assert.Equal(["ok"], (await cluster.Client.CoreV1.ListNamespacedPodAsync("secure", cancellationToken: ct)).Items.Select(p => p.Metadata.Name));
    }

    [Fact]
    public async Task Warn_restricted_creates_the_pod_and_returns_the_violations_as_a_warning()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await NamespaceAsync(cluster, "watched", ct, ("warn", "restricted"));

        using var created = await cluster.Client.CoreV1.CreateNamespacedPodWithHttpMessagesAsync(PrivilegedPod("x"), "watched", cancellationToken: ct);
        using var clean = await cluster.Client.CoreV1.CreateNamespacedPodWithHttpMessagesAsync(RestrictedPod("ok"), "watched", cancellationToken: ct);

        Assert.Equal(HttpStatusCode.Created, created.Response.StatusCode);
        Assert.Equal([$"would violate PodSecurity \"restricted:latest\": {PrivilegedReason}, {RestrictedReasons}"], Warnings(created.Response));
        Assert.Empty(Warnings(clean.Response));
    }

    [Fact]
    public async Task Enforce_baseline_with_warn_restricted_admits_a_plain_pod_with_a_warning_and_refuses_a_privileged_one()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await NamespaceAsync(cluster, "mixed", ct, ("enforce", "baseline"), ("warn", "restricted"), ("warn-version", "v1.21"));
        var plain = KubernetesJson.Deserialize<V1Pod>("""{"metadata":{"name":"plain"},"spec":{"containers":[{"name":"app","image":"nginx"}]}}""");

        using var created = await cluster.Client.CoreV1.CreateNamespacedPodWithHttpMessagesAsync(plain, "mixed", cancellationToken: ct);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedPodAsync(PrivilegedPod("x"), "mixed", cancellationToken: ct));

        Assert.Equal(
            ["would violate PodSecurity \"restricted:v1.21\": allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false), " +
            "runAsNonRoot != true (pod or container \"app\" must set securityContext.runAsNonRoot=true), " +
            "seccompProfile (pod or container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")"],
            Warnings(created.Response));
        error.AssertStatus(HttpStatusCode.Forbidden, "Forbidden", $"pods \"x\" is forbidden: violates PodSecurity \"baseline:latest\": {PrivilegedReason}");
    }

    [Fact]
    public async Task The_enforce_version_label_selects_the_checks_of_that_version()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await NamespaceAsync(cluster, "old", ct, ("enforce", "restricted"), ("enforce-version", "v1.22"));
        await NamespaceAsync(cluster, "new", ct, ("enforce", "restricted"), ("enforce-version", "v1.23"));
        var root = RestrictedPod("root");
        root.Spec.SecurityContext.RunAsUser = 0;

        await cluster.Client.CoreV1.CreateNamespacedPodAsync(root, "old", cancellationToken: ct);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedPodAsync(root, "new", cancellationToken: ct));

        error.AssertStatus(HttpStatusCode.Forbidden, "Forbidden", "pods \"root\" is forbidden: violates PodSecurity \"restricted:v1.23\": runAsUser=0 (pod must not set runAsUser=0)");
    }

    [Fact]
    public async Task A_generated_name_is_named_in_the_refusal()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await NamespaceAsync(cluster, "secure", ct, ("enforce", "baseline"));
        var pod = PrivilegedPod("x");
        pod.Metadata.Name = null;
        pod.Metadata.GenerateName = "web-";

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, "secure", cancellationToken: ct));

        var status = error.AssertStatus(HttpStatusCode.Forbidden, "Forbidden", null);
        Assert.Matches("^pods \"web-[a-z0-9]{5}\" is forbidden: violates PodSecurity \"baseline:latest\": privileged ", (string?)status["message"]);
    }

    [Fact]
    public async Task Pod_updates_are_checked_again_only_when_an_image_changes_or_a_container_is_added()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await NamespaceAsync(cluster, "tighten", ct);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(PrivilegedPod("x"), "tighten", cancellationToken: ct);
        var ns = await cluster.Client.CoreV1.ReadNamespaceAsync("tighten", cancellationToken: ct);
        ns.Metadata.Labels = new Dictionary<string, string> { ["pod-security.kubernetes.io/enforce"] = "baseline" };
        await cluster.Client.CoreV1.ReplaceNamespaceAsync(ns, "tighten", cancellationToken: ct);

        var labelled = await cluster.Client.CoreV1.PatchNamespacedPodAsync(
            new V1Patch("""{"metadata":{"labels":{"tier":"web"}}}""", V1Patch.PatchType.MergePatch), "x", "tighten", cancellationToken: ct);
        var status = await cluster.Client.CoreV1.ReadNamespacedPodStatusAsync("x", "tighten", cancellationToken: ct);
        status.Status.Message = "still running";
        await cluster.Client.CoreV1.ReplaceNamespacedPodStatusAsync(status, "x", "tighten", cancellationToken: ct);
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.PatchNamespacedPodAsync(
            new V1Patch("""{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}""", V1Patch.PatchType.StrategicMergePatch), "x", "tighten", cancellationToken: ct));

        Assert.Equal("web", labelled.Metadata.Labels["tier"]);
        error.AssertStatus(HttpStatusCode.Forbidden, "Forbidden", $"pods \"x\" is forbidden: violates PodSecurity \"baseline:latest\": {PrivilegedReason}");
        Assert.Equal("nginx:1.27", (await cluster.Client.CoreV1.ReadNamespacedPodAsync("x", "tighten", cancellationToken: ct)).Spec.Containers.Single().Image);
    }

    [Fact]
    public async Task Workloads_with_violating_templates_are_created_with_a_warning_not_refused()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await NamespaceAsync(cluster, "secure", ct, ("enforce", "restricted"));
        var deployment = Deployment("web");
        deployment.Spec.Template.Spec.Containers[0].SecurityContext = new V1SecurityContext { Privileged = true };
        var job = KubernetesJson.Deserialize<V1Job>(
            """{"metadata":{"name":"once"},"spec":{"template":{"spec":{"restartPolicy":"Never","hostNetwork":true,"containers":[{"name":"app","image":"busybox"}]}}}}""");

        using var createdDeployment = await cluster.Client.AppsV1.CreateNamespacedDeploymentWithHttpMessagesAsync(deployment, "secure", cancellationToken: ct);
        using var createdJob = await cluster.Client.BatchV1.CreateNamespacedJobWithHttpMessagesAsync(job, "secure", cancellationToken: ct);

        Assert.Equal([$"would violate PodSecurity \"restricted:latest\": {PrivilegedReason}, {RestrictedReasons}"], Warnings(createdDeployment.Response));
        Assert.Equal(
            ["would violate PodSecurity \"restricted:latest\": host namespaces (hostNetwork=true), " + RestrictedReasons],
            Warnings(createdJob.Response));
    }

    [Theory]
    [InlineData("enforce", "strict", "metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must be one of privileged, baseline, restricted")]
    [InlineData("warn-version", "1.25", "metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: \"1.25\": must be \"latest\" or \"v1.x\"")]
    public async Task Namespaces_with_bad_labels_are_refused_on_create_and_update(string key, string value, string expected)
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await NamespaceAsync(cluster, "fine", ct);

        var create = await Assert.ThrowsAsync<HttpOperationException>(() => NamespaceAsync(cluster, "bad", ct, (key, value)));
        var update = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.PatchNamespaceAsync(
            new V1Patch($$$$"""{"metadata":{"labels":{"pod-security.kubernetes.io/{{{{key}}}}":"{{{{value}}}}"}}}""", V1Patch.PatchType.MergePatch), "fine", cancellationToken: ct));

        create.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid", "Namespace \"bad\" is invalid: " + expected);
        update.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid", "Namespace \"fine\" is invalid: " + expected);
    }

    [Fact]
    public async Task Tightening_enforce_warns_about_existing_pods_grouped_by_violation()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await NamespaceAsync(cluster, "busy", ct);
        foreach (var name in new[] { "b", "a", "c" })
        {
            await cluster.Client.CoreV1.CreateNamespacedPodAsync(PrivilegedPod(name), "busy", cancellationToken: ct);
        }

        await cluster.Client.CoreV1.CreateNamespacedPodAsync(RestrictedPod("good"), "busy", cancellationToken: ct);
        var host = KubernetesJson.Deserialize<V1Pod>("""{"metadata":{"name":"host"},"spec":{"hostPID":true,"containers":[{"name":"app","image":"nginx"}]}}""");
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(host, "busy", cancellationToken: ct);

        using var baseline = await cluster.Client.CoreV1.PatchNamespaceWithHttpMessagesAsync(
            new V1Patch("""{"metadata":{"labels":{"pod-security.kubernetes.io/enforce":"baseline"}}}""", V1Patch.PatchType.MergePatch), "busy", cancellationToken: ct);
        using var relaxed = await cluster.Client.CoreV1.PatchNamespaceWithHttpMessagesAsync(
            new V1Patch("""{"metadata":{"labels":{"pod-security.kubernetes.io/enforce":"privileged"}}}""", V1Patch.PatchType.MergePatch), "busy", cancellationToken: ct);

        Assert.Equal(
        [
            "existing pods in namespace \"busy\" violate the new PodSecurity enforce level \"baseline:latest\"",
            "a (and 2 other pods): privileged",
            "host: host namespaces",
        ], Warnings(baseline.Response));
        Assert.Empty(Warnings(relaxed.Response));
    }

    [Fact]
    public async Task The_configuration_file_sets_defaults_and_exempts_users_namespaces_and_runtime_classes()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        using var folder = new ConfigFolder();
        var file = folder.Write("admission.yaml", """
            apiVersion: apiserver.config.k8s.io/v1
            kind: AdmissionConfiguration
            plugins:
            - name: PodSecurity
              configuration:
                apiVersion: pod-security.admission.config.k8s.io/v1
                kind: PodSecurityConfiguration
                defaults:
                  enforce: baseline
                exemptions:
                  usernames: [alice]
                  namespaces: [tools]
                  runtimeClasses: [kata]
            """);
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { AdmissionControlConfigFile = file }, ct);
        await NamespaceAsync(cluster, "apps", ct);
        using var tools = await cluster.Client.CoreV1.CreateNamespaceWithHttpMessagesAsync(
            new V1Namespace { Metadata = new V1ObjectMeta { Name = "tools", Labels = new Dictionary<string, string> { ["pod-security.kubernetes.io/enforce"] = "restricted" } } },
            cancellationToken: ct);

        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedPodAsync(PrivilegedPod("x"), "apps", cancellationToken: ct));
        await cluster.As("alice").CoreV1.CreateNamespacedPodAsync(PrivilegedPod("by-alice"), "apps", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(PrivilegedPod("in-tools"), "tools", cancellationToken: ct);
        await cluster.Client.NodeV1.CreateRuntimeClassAsync(new V1RuntimeClass { Metadata = new V1ObjectMeta { Name = "kata" }, Handler = "kata" }, cancellationToken: ct);
        var kata = PrivilegedPod("kata");
        kata.Spec.RuntimeClassName = "kata";
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(kata, "apps", cancellationToken: ct);

        refused.AssertStatus(HttpStatusCode.Forbidden, "Forbidden", $"pods \"x\" is forbidden: violates PodSecurity \"baseline:latest\": {PrivilegedReason}");
        Assert.Equal(["namespace \"tools\" is exempt from Pod Security, and the policy (enforce=restricted:latest) will be ignored"], Warnings(tools.Response));
        Assert.Equal(["by-alice", "kata"], (await cluster.Client.CoreV1.ListNamespacedPodAsync("apps", cancellationToken: ct)).Items.Select(p => p.Metadata.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_bad_plugin_configuration_at_a_path_stops_the_server_with_the_reason()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        using var folder = new ConfigFolder();
        folder.Write("podsecurity.json", """
            {"apiVersion":"pod-security.admission.config.k8s.io/v1","kind":"PodSecurityConfiguration","defaults":{"enforce":"strict"},"exemptions":{"usernames":["a","a"]}}
            """);
        var file = folder.Write("admission.json", """
            {"apiVersion":"apiserver.config.k8s.io/v1","kind":"AdmissionConfiguration","plugins":[{"name":"PodSecurity","path":"podsecurity.json"}]}
            """);

        var error = await Assert.ThrowsAsync<FormatException>(() => FakeCluster.StartAsync(new FakeClusterOptions { AdmissionControlConfigFile = file }, ct));

        Assert.Equal(
            "PodSecurity invalid: [defaults.enforce: Invalid value: \"strict\": must be one of privileged, baseline, restricted, exemptions.usernames[1]: Duplicate value: \"a\"]",
            error.Message);
    }

    [Fact]
    public void The_command_line_refuses_a_configuration_file_that_cannot_be_used()
    {
        using var folder = new ConfigFolder();
        var file = folder.Write("admission.yaml", """
            apiVersion: apiserver.config.k8s.io/v1
            kind: AdmissionConfiguration
            plugins:
            - name: PodSecurity
              configuration:
                apiVersion: pod-security.admission.config.k8s.io/v1
                kind: PodSecurityConfiguration
                defaults:
                  warn-version: "1.30"
            """);

        var bad = Assert.Throws<FormatException>(() => CommandLine.Parse(["--admission-control-config-file", file]));
        var missing = Assert.Throws<FormatException>(() => CommandLine.Parse(["--admission-control-config-file=" + file + ".missing"]));

        Assert.Equal(
            $"invalid value \"{file}\" for flag --admission-control-config-file: PodSecurity invalid: defaults.warn-version: Invalid value: \"1.30\": must be \"latest\" or \"v1.x\"",
            bad.Message);
        Assert.StartsWith($"invalid value \"{file}.missing\" for flag --admission-control-config-file: unable to read admission control configuration from \"{file}.missing\"", missing.Message, StringComparison.Ordinal);
    }

    /// <summary>A temporary folder for configuration files, deleted with its content.</summary>
    private sealed class ConfigFolder : IDisposable
    {
        private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("podsecurity-");

        /// <summary>Writes a file and returns its full path.</summary>
        public string Write(string name, string content)
        {
            var path = Path.Combine(_folder.FullName, name);
            File.WriteAllText(path, content);
            return path;
        }

        public void Dispose() => _folder.Delete(recursive: true);
    }
}
