using System.Formats.Tar;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Testing;
using static FakeApiServer.Tests.Controllers.ControlPlaneTestSupport;

namespace FakeApiServer.Tests.SimulatedContainers;

/// <summary>
/// What a simulated container does on exec with no rule (the built-in shell: env, hostname, files of the pod's volumes,
/// tar for kubectl cp) and with rules from the fixture, served ContainerRule objects and the --container-rules file,
/// through <see cref="FakeCluster.Containers"/> on a cluster whose kubelet runs the pods.
/// </summary>
public sealed class FakeContainersTests(FakeContainersTests.Cluster fixture) : IClassFixture<FakeContainersTests.Cluster>
{
    private const string Pods = "/api/v1/namespaces/default/pods";

    [Fact]
    public async Task Env_shows_the_containers_environment_with_references_resolved_as_the_kubelet_does()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var cluster = fixture.Server;
        await cluster.ApplyAsync("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: env-settings, namespace: default}
            data: {mode: fast, level: "3"}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: env-secret, namespace: default}
            stringData: {password: s3cret}
            """, ct);
        var pod = Pod("env-pod", """
            {"containers":[{"name":"main","image":"busybox:1.36",
              "resources":{"limits":{"memory":"64Mi"}},
              "envFrom":[{"prefix":"CFG_","configMapRef":{"name":"env-settings"}}],
              "env":[
                {"name":"GREETING","value":"hello"},
                {"name":"MESSAGE","value":"$(GREETING) world, $$(not)"},
                {"name":"MODE","valueFrom":{"configMapKeyRef":{"name":"env-settings","key":"mode"}}},
                {"name":"PASSWORD","valueFrom":{"secretKeyRef":{"name":"env-secret","key":"password"}}},
                {"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
                {"name":"POD_IP","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}},
                {"name":"NODE","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}},
                {"name":"APP","valueFrom":{"fieldRef":{"fieldPath":"metadata.labels['app']"}}},
                {"name":"MEMORY_MI","valueFrom":{"resourceFieldRef":{"resource":"limits.memory","divisor":"1Mi"}}}]}]}
            """);
        pod["metadata"]!["labels"] = new JsonObject { ["app"] = "envtest" };
        var running = await RunAsync(cluster, pod, ct);

        var output = await cluster.Containers.ExecAsync("default", "env-pod", null, ["env"], null, ct);

        Assert.Equal(0, output.ExitCode);
        var env = output.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal("env-pod", env["HOSTNAME"]);
        Assert.Equal("hello world, $(not)", env["MESSAGE"]);
        Assert.Equal("fast", env["MODE"]);
        Assert.Equal("fast", env["CFG_mode"]);
        Assert.Equal("3", env["CFG_level"]);
        Assert.Equal("s3cret", env["PASSWORD"]);
        Assert.Equal("env-pod", env["POD_NAME"]);
        Assert.Equal((string?)running["status"]!["podIP"], env["POD_IP"]);
        Assert.Equal((string?)running["spec"]!["nodeName"], env["NODE"]);
        Assert.Equal("envtest", env["APP"]);
        Assert.Equal("64", env["MEMORY_MI"]);
        Assert.Equal("10.96.0.1", env["KUBERNETES_SERVICE_HOST"]);
        Assert.Equal("443", env["KUBERNETES_SERVICE_PORT"]);
        Assert.Equal("tcp://10.96.0.1:443", env["KUBERNETES_PORT_443_TCP"]);
        Assert.StartsWith("PATH=", output.StdoutText, StringComparison.Ordinal);
        Assert.Equal("env-pod\n", (await cluster.Containers.ExecAsync("default", "env-pod", null, ["hostname"], null, ct)).StdoutText);
        Assert.Equal("hello world, $(not)\n", (await cluster.Containers.ExecAsync("default", "env-pod", null, ["sh", "-c", "echo \"$MESSAGE\""], null, ct)).StdoutText);
    }

    [Fact]
    public async Task Cat_reads_the_files_of_the_pods_configMap_secret_downwardAPI_and_service_account_volumes()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var cluster = fixture.Server;
        await cluster.ApplyAsync("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: vol-config, namespace: default}
            data: {app.properties: "color=blue\n", other: x}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: vol-secret, namespace: default}
            stringData: {tls.key: KEY}
            """, ct);
        var pod = Pod("vol-pod", """
            {"containers":[{"name":"main","image":"busybox:1.36","volumeMounts":[
                {"name":"config","mountPath":"/etc/config"},
                {"name":"secret","mountPath":"/etc/secret","readOnly":true},
                {"name":"info","mountPath":"/etc/podinfo"}]}],
             "volumes":[
                {"name":"config","configMap":{"name":"vol-config","items":[{"key":"app.properties","path":"conf/app.properties"}]}},
                {"name":"secret","secret":{"secretName":"vol-secret"}},
                {"name":"info","downwardAPI":{"items":[{"path":"labels","fieldRef":{"fieldPath":"metadata.labels"}},{"path":"name","fieldRef":{"fieldPath":"metadata.name"}}]}}]}
            """);
        pod["metadata"]!["labels"] = new JsonObject { ["tier"] = "web", ["app"] = "vol" };
        await RunAsync(cluster, pod, ct);

        async Task<ExecOutput> Exec(params string[] argv) => await cluster.Containers.ExecAsync("default", "vol-pod", "main", argv, null, ct);

        Assert.Equal("color=blue\n", (await Exec("cat", "/etc/config/conf/app.properties")).StdoutText);
        Assert.Equal("conf\n", (await Exec("ls", "/etc/config")).StdoutText);
        Assert.Equal("KEY", (await Exec("cat", "/etc/secret/tls.key")).StdoutText);
        Assert.Equal("app=\"vol\"\ntier=\"web\"\n", (await Exec("cat", "/etc/podinfo/labels")).StdoutText);
        Assert.Equal("vol-pod", (await Exec("cat", "/etc/podinfo/name")).StdoutText);
        Assert.Equal("default", (await Exec("cat", "/var/run/secrets/kubernetes.io/serviceaccount/namespace")).StdoutText);
        var rootCa = await cluster.GetAsync("/api/v1/namespaces/default/configmaps/kube-root-ca.crt", ct);
        Assert.Equal((string?)rootCa!["data"]!["ca.crt"], (await Exec("cat", "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")).StdoutText);
        var token = (await Exec("cat", "/var/run/secrets/kubernetes.io/serviceaccount/token")).StdoutText;
        Assert.Equal(3, token.Split('.').Length);

        var missing = await Exec("cat", "/etc/config/nope");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("cat: can't open '/etc/config/nope': No such file or directory\n", missing.StderrText);
        var readOnly = await Exec("sh", "-c", "echo x > /etc/secret/new");
        Assert.Equal(1, readOnly.ExitCode);
        Assert.Equal("sh: can't create /etc/secret/new: Read-only file system\n", readOnly.StderrText);
    }

    [Fact]
    public async Task Kubectl_cp_into_and_out_of_a_container_round_trips_the_files_unchanged()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var cluster = fixture.Server;
        await RunAsync(cluster, Pod("cp-pod", """{"containers":[{"name":"main","image":"busybox:1.36","volumeMounts":[{"name":"scratch","mountPath":"/data"}]},{"name":"side","image":"busybox:1.36","volumeMounts":[{"name":"scratch","mountPath":"/shared"}]}],"volumes":[{"name":"scratch","emptyDir":{}}]}"""), ct);
        var binary = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray();
        var longName = "dir/" + new string('n', 120) + ".txt";
        var files = new Dictionary<string, byte[]>
        {
            ["dir/hello.txt"] = Encoding.UTF8.GetBytes("hello\n"),
            ["dir/sub/blob.bin"] = binary,
            [longName] = Encoding.UTF8.GetBytes("long"),
        };

        // kubectl cp ./dir cp-pod:/tmp/dir: "test -d /tmp/dir" (not there: the archive's names are the destination's), then tar -xmf - -C /tmp.
        Assert.Equal(1, (await cluster.Containers.ExecAsync("default", "cp-pod", "main", ["test", "-d", "/tmp/dir"], null, ct)).ExitCode);
        var extract = await cluster.Containers.ExecAsync("default", "cp-pod", "main", ["tar", "-xmf", "-", "-C", "/tmp"], KubectlTar(files), ct);
        Assert.Equal(0, extract.ExitCode);
        Assert.Equal("", extract.StderrText);
        Assert.Equal("hello\n", (await cluster.Containers.ExecAsync("default", "cp-pod", "main", ["cat", "/tmp/dir/hello.txt"], null, ct)).StdoutText);

        // kubectl cp cp-pod:/tmp/dir ./out: tar cf - /tmp/dir.
        var archive = await cluster.Containers.ExecAsync("default", "cp-pod", "main", ["tar", "cf", "-", "/tmp/dir"], null, ct);
        Assert.Equal(0, archive.ExitCode);
        Assert.Equal("tar: removing leading '/' from member names\n", archive.StderrText);
        var copied = ReadTar(archive.Stdout);
        Assert.Equal(["tmp/dir/", "tmp/dir/hello.txt", "tmp/dir/" + longName[4..], "tmp/dir/sub/", "tmp/dir/sub/blob.bin"], copied.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(binary, copied["tmp/dir/sub/blob.bin"]);
        Assert.Equal("long"u8.ToArray(), copied["tmp/dir/" + longName[4..]]);

        // An emptyDir is shared by the pod's containers; the container's own tree is not.
        Assert.Equal(0, (await cluster.Containers.ExecAsync("default", "cp-pod", "main", ["tar", "xf", "-", "-C", "/data"], KubectlTar(files), ct)).ExitCode);
        Assert.Equal("hello\n", (await cluster.Containers.ExecAsync("default", "cp-pod", "side", ["cat", "/shared/dir/hello.txt"], null, ct)).StdoutText);
        Assert.Equal(1, (await cluster.Containers.ExecAsync("default", "cp-pod", "side", ["test", "-e", "/tmp/dir"], null, ct)).ExitCode);

        var missing = await cluster.Containers.ExecAsync("default", "cp-pod", "main", ["tar", "-xmf", "-", "-C", "/nowhere"], KubectlTar(files), ct);
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("tar: can't change directory to '/nowhere': No such file or directory\n", missing.StderrText);
    }

    [Fact]
    public async Task An_unknown_command_exits_127_and_a_container_that_is_not_running_gets_the_kubelets_error()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var cluster = fixture.Server;
        await RunAsync(cluster, Pod("plain-pod"), ct);

        var unknown = await cluster.Containers.ExecAsync("default", "plain-pod", null, ["psql", "-c", "select 1"], null, ct);
        Assert.Equal(127, unknown.ExitCode);
        Assert.Equal("sh: psql: command not found\n", unknown.StderrText);
        var script = await cluster.Containers.ExecAsync("default", "plain-pod", null, ["/bin/sh", "-c", "false || echo 'a b' && nope; echo \"$HOSTNAME\" done | cat"], null, ct);
        Assert.Equal(0, script.ExitCode);
        Assert.Equal("a b\nplain-pod done\n", script.StdoutText);
        Assert.Equal("sh: nope: command not found\n", script.StderrText);
        Assert.Equal(3, (await cluster.Containers.ExecAsync("default", "plain-pod", null, ["sh", "-c", "exit 3; echo no"], null, ct)).ExitCode);

        await cluster.CreateAsync(Pods, Pod("done-pod", """{"restartPolicy":"Never"}""", """{"fakeapiserver.io/exit-code":"0"}"""), ct);
        await cluster.WaitForAsync(Pods + "/done-pod", p => p.Phase() == "Succeeded", ct);
        var stopped = await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.Containers.ExecAsync("default", "done-pod", null, ["ls"], null, ct));
        Assert.Equal("container not found (\"main\")", stopped.Message);
        var invalid = await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.Containers.ExecAsync("default", "plain-pod", "other", ["ls"], null, ct));
        Assert.Equal("container other is not valid for pod plain-pod", invalid.Message);
    }

    [Fact]
    public async Task Fixture_rules_come_before_served_ContainerRules_which_come_before_the_rule_file()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var cluster = fixture.Server;
        var pod = Pod("db-pod");
        pod["metadata"]!["labels"] = new JsonObject { ["app"] = "db" };
        await RunAsync(cluster, pod, ct);

        // The file (Cluster below) answers pg_isready; a served rule overrides it; a fixture rule overrides both.
        var fromFile = await cluster.Containers.ExecAsync("default", "db-pod", null, ["pg_isready", "-h", "localhost"], null, ct);
        Assert.Equal("/var/run/postgresql:5432 - accepting connections\n", fromFile.StdoutText);
        Assert.Equal(0, fromFile.ExitCode);

        await cluster.ApplyAsync("""
            apiVersion: fakeapiserver.io/v1alpha1
            kind: ContainerRule
            metadata: {name: db-down}
            spec:
              namespaces: [default]
              selector: {matchLabels: {app: db}}
              exec:
                commandPrefix: [pg_isready]
                stdout: "no response\n"
                exitCode: 2
            """, ct);
        var served = await cluster.Containers.ExecAsync("default", "db-pod", null, ["pg_isready", "-h", "localhost"], null, ct);
        Assert.Equal(("no response\n", 2), (served.StdoutText, served.ExitCode));

        using (cluster.Containers.OnExec(new ContainerSelector { LabelSelector = "app=db" }, ExecCommand.Regex("^pg_isready( .*)?$"), async (exec, token) =>
        {
            await exec.Stdout.WriteAsync(Encoding.UTF8.GetBytes($"{exec.Pod}/{exec.Container}: {string.Join(' ', exec.Command)}\n"), token);
            return 7;
        }))
        {
            var fixtureRule = await cluster.Containers.ExecAsync("default", "db-pod", null, ["pg_isready", "-h", "localhost"], null, ct);
            Assert.Equal(("db-pod/main: pg_isready -h localhost\n", 7), (fixtureRule.StdoutText, fixtureRule.ExitCode));
            using var echo = cluster.Containers.OnExec(ContainerSelector.All, ExecCommand.Exact("cat"), new ExecResult { EchoStdin = true, Stderr = "done\n", ExitCode = 1 });
            var echoed = await cluster.Containers.ExecAsync("default", "db-pod", null, ["cat"], "typed"u8.ToArray(), ct);
            Assert.Equal(("typed", "done\n", 1), (echoed.StdoutText, echoed.StderrText, echoed.ExitCode));
        }

        var afterDispose = await cluster.Containers.ExecAsync("default", "db-pod", null, ["pg_isready"], null, ct);
        Assert.Equal(2, afterDispose.ExitCode);
        await cluster.ApplyAsync("""{"apiVersion":"fakeapiserver.io/v1alpha1","kind":"ContainerRule","metadata":{"name":"db-down"},"spec":{"namespaces":["elsewhere"],"exec":{"command":["x"]}}}""", ct);
        Assert.Equal(0, (await cluster.Containers.ExecAsync("default", "db-pod", null, ["pg_isready"], null, ct)).ExitCode);
    }

    /// <summary>A tar stream as kubectl's Go archive/tar writer makes it for kubectl cp: USTAR headers, PAX records for long names.</summary>
    internal static byte[] KubectlTar(IReadOnlyDictionary<string, byte[]> files)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    ModificationTime = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
                    DataStream = new MemoryStream(content),
                };
                writer.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }

    internal static Dictionary<string, byte[]> ReadTar(byte[] archive)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new TarReader(new MemoryStream(archive));
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            entries[entry.Name] = content.ToArray();
        }

        return entries;
    }

    private static async Task<JsonObject> RunAsync(FakeCluster cluster, JsonObject pod, CancellationToken ct)
    {
        var name = (string)pod["metadata"]!["name"]!;
        await cluster.CreateAsync(Pods, pod, ct);
        return await cluster.WaitForAsync(Pods + "/" + name, p => p.Phase() == "Running", ct);
    }

    /// <summary>One cluster for the class: nodes, scheduler, kubelet, the root CA publisher, and a rule file answering pg_isready.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        private readonly string _rules = Path.Combine(Path.GetTempPath(), "container-rules-" + Guid.NewGuid().ToString("N") + ".yaml");

        public FakeCluster Server { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await File.WriteAllTextAsync(_rules, """
                rules:
                - name: postgres-ready
                  selector: {matchLabels: {app: db}}
                  exec:
                    commandPrefix: [pg_isready]
                    stdout: "/var/run/postgresql:5432 - accepting connections\n"
                """);
            using var cts = new CancellationTokenSource(TestTimeout);
            Server = await FakeCluster.StartAsync(new FakeClusterOptions
            {
                Controllers = FakeApiServer.Controllers.ControllerSelection.Parse("namespace,node-simulator,scheduler,kubelet,serviceaccount,root-ca-cert-publisher"),
                ContainerRulesFile = _rules,
            }, cts.Token);
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            File.Delete(_rules);
        }
    }
}
