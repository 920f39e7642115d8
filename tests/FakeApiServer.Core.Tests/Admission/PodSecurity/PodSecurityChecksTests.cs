using System.Text.Json.Nodes;
using FakeApiServer.Admission.Plugins.PodSecurity;

namespace FakeApiServer.Tests.Admission.PodSecurity;

/// <summary>
/// Each baseline and restricted check of the PodSecurity plugin on its own, with upstream's reasons and details, and
/// the policy versions where the checks change (v1.8, v1.19, v1.22, v1.23, v1.25, v1.27, v1.29, v1.31, v1.32, latest).
/// </summary>
public sealed class PodSecurityChecksTests
{
    /// <summary>A container that passes every restricted check.</summary>
    private const string GoodContainer = """{"name":"c","image":"nginx","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}""";

    /// <summary>The pod security context that passes every restricted check.</summary>
    private const string GoodPodContext = """{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}}""";

    private static string Evaluate(string levelVersion, string spec, string annotations = "{}")
    {
        var (level, version) = (levelVersion.Split(':')[0], levelVersion.Split(':')[1]);
        Assert.True(PodSecurityLevels.TryParse(level, out var parsedLevel));
        Assert.True(PodSecurityVersion.TryParse(version, out var parsedVersion));
        var pod = new PodTemplate((JsonObject)JsonNode.Parse($$"""{"annotations":{{annotations}}}""")!, (JsonObject)JsonNode.Parse(spec)!);
        return PodSecurityChecks.ForbiddenDetail(PodSecurityChecks.Evaluate(new LevelVersion(parsedLevel, parsedVersion), pod));
    }

    /// <summary>A restricted-compliant pod with one container replaced.</summary>
    private static string Restricted(string container, string podContext = GoodPodContext, string extra = "") =>
        $$"""{"securityContext":{{podContext}},"containers":[{{container}}]{{extra}}}""";

    [Theory]
    [InlineData("""{"hostNetwork":true,"hostPID":true,"hostIPC":true,"containers":[{"name":"c"}]}""", "host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)")]
    [InlineData("""{"hostPID":true,"containers":[{"name":"c"}]}""", "host namespaces (hostPID=true)")]
    [InlineData("""{"initContainers":[{"name":"i","securityContext":{"privileged":true}}],"containers":[{"name":"a","securityContext":{"privileged":true}},{"name":"b","securityContext":{"privileged":false}}]}""",
        "privileged (containers \"i\", \"a\" must not set securityContext.privileged=true)")]
    [InlineData("""{"containers":[{"name":"a","securityContext":{"capabilities":{"add":["NET_RAW","CHOWN","SYS_ADMIN"]}}},{"name":"b","securityContext":{"capabilities":{"add":["KILL"]}}}]}""",
        "non-default capabilities (container \"a\" must not include \"NET_RAW\", \"SYS_ADMIN\" in securityContext.capabilities.add)")]
    [InlineData("""{"volumes":[{"name":"h","hostPath":{"path":"/"}},{"name":"e","emptyDir":{}},{"name":"g","hostPath":{"path":"/etc"}}],"containers":[{"name":"c"}]}""",
        "hostPath volumes (volumes \"h\", \"g\")")]
    [InlineData("""{"containers":[{"name":"a","ports":[{"containerPort":80,"hostPort":8080},{"containerPort":81,"hostPort":10}]},{"name":"b","ports":[{"containerPort":80}]}]}""",
        "hostPort (container \"a\" uses hostPorts 10, 8080)")]
    [InlineData("""{"containers":[{"name":"a","ports":[{"containerPort":80,"hostPort":80}]},{"name":"b","ports":[{"containerPort":80,"hostPort":80}]}]}""",
        "hostPort (containers \"a\", \"b\" use hostPort 80)")]
    [InlineData("""{"securityContext":{"appArmorProfile":{"type":"Unconfined"}},"containers":[{"name":"a","securityContext":{"appArmorProfile":{"type":"RuntimeDefault"}}}]}""",
        "forbidden AppArmor profile (pod must not set AppArmor profile type to \"Unconfined\")")]
    [InlineData("""{"securityContext":{"seLinuxOptions":{"type":"spc_t","user":"u"}},"containers":[{"name":"a","securityContext":{"seLinuxOptions":{"type":"container_t","role":"r"}}},{"name":"b","securityContext":{"seLinuxOptions":{"type":"container_engine_t"}}}]}""",
        "seLinuxOptions (pod and container \"a\" set forbidden securityContext.seLinuxOptions: type \"spc_t\"; user may not be set; role may not be set)")]
    [InlineData("""{"containers":[{"name":"a","securityContext":{"procMount":"Unmasked"}},{"name":"b","securityContext":{"procMount":"Default"}}]}""",
        "procMount (container \"a\" must not set securityContext.procMount to \"Unmasked\")")]
    [InlineData("""{"securityContext":{"seccompProfile":{"type":"Unconfined"}},"containers":[{"name":"a","securityContext":{"seccompProfile":{"type":"Unconfined"}}},{"name":"b","securityContext":{"seccompProfile":{"type":"Localhost","localhostProfile":"p"}}}]}""",
        "seccompProfile (pod and container \"a\" must not set securityContext.seccompProfile.type to \"Unconfined\")")]
    [InlineData("""{"securityContext":{"sysctls":[{"name":"kernel.msgmax","value":"1"},{"name":"net.ipv4.tcp_syncookies","value":"1"},{"name":"net.ipv4.tcp_wmem","value":"4096 87380 16777216"},{"name":"vm.swappiness","value":"1"}]},"containers":[{"name":"c"}]}""",
        "forbidden sysctls (kernel.msgmax, vm.swappiness)")]
    [InlineData("""{"securityContext":{"windowsOptions":{"hostProcess":true}},"containers":[{"name":"a","securityContext":{"windowsOptions":{"hostProcess":true}}},{"name":"b"}]}""",
        "hostProcess (pod and container \"a\" must not set securityContext.windowsOptions.hostProcess=true)")]
    public void Each_baseline_check_names_what_it_forbids(string spec, string expected) =>
        Assert.Equal(expected, Evaluate("baseline:latest", spec));

    [Fact]
    public void Forbidden_AppArmor_annotations_are_listed_after_the_field_values()
    {
        var spec = """{"containers":[{"name":"a","securityContext":{"appArmorProfile":{"type":"Unconfined"}}},{"name":"b"}]}""";
        var annotations = """{"container.apparmor.security.beta.kubernetes.io/b":"unconfined","container.apparmor.security.beta.kubernetes.io/a":"localhost/p"}""";

        Assert.Equal(
            "forbidden AppArmor profiles (container \"a\" and annotation must not set AppArmor profile type to \"Unconfined\", \"container.apparmor.security.beta.kubernetes.io/b=\"unconfined\"\")",
            Evaluate("baseline:latest", spec, annotations));
    }

    [Fact]
    public void Seccomp_annotations_are_checked_before_v1_19_and_the_field_from_v1_19()
    {
        var spec = """{"securityContext":{"seccompProfile":{"type":"Unconfined"}},"containers":[{"name":"a"}]}""";
        var annotations = """{"seccomp.security.alpha.kubernetes.io/pod":"unconfined","container.seccomp.security.alpha.kubernetes.io/a":"docker/default"}""";

        Assert.Equal("seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod=\"unconfined\")", Evaluate("baseline:v1.18", spec, annotations));
        Assert.Equal("seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\")", Evaluate("baseline:v1.19", spec, annotations));
    }

    [Theory]
    [InlineData("v1.26", "forbidden sysctls (net.ipv4.ip_local_reserved_ports, net.ipv4.tcp_keepalive_time, net.ipv4.tcp_rmem)")]
    [InlineData("v1.27", "forbidden sysctls (net.ipv4.tcp_keepalive_time, net.ipv4.tcp_rmem)")]
    [InlineData("v1.29", "forbidden sysctls (net.ipv4.tcp_rmem)")]
    [InlineData("v1.32", "")]
    [InlineData("v1.33", "")]
    [InlineData("latest", "")]
    public void Allowed_sysctls_grow_with_the_policy_version(string version, string expected)
    {
        var spec = """{"securityContext":{"sysctls":[{"name":"net.ipv4.ip_local_reserved_ports","value":"1"},{"name":"net.ipv4.tcp_keepalive_time","value":"1"},{"name":"net.ipv4.tcp_rmem","value":"1"}]},"containers":[{"name":"c"}]}""";
        Assert.Equal(expected, Evaluate("baseline:" + version, spec));
    }

    [Theory]
    [InlineData("v1.30", "seLinuxOptions (container \"a\" set forbidden securityContext.seLinuxOptions: type \"container_engine_t\")")]
    [InlineData("v1.31", "")]
    public void Container_engine_t_is_allowed_from_v1_31(string version, string expected) =>
        Assert.Equal(expected, Evaluate("baseline:" + version, """{"containers":[{"name":"a","securityContext":{"seLinuxOptions":{"type":"container_engine_t"}}}]}"""));

    [Fact]
    public void A_pod_that_sets_nothing_violates_four_restricted_checks_in_upstreams_order()
    {
        Assert.Equal(
            "allowPrivilegeEscalation != false (container \"c\" must set securityContext.allowPrivilegeEscalation=false), " +
            "unrestricted capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]), " +
            "runAsNonRoot != true (pod or container \"c\" must set securityContext.runAsNonRoot=true), " +
            "seccompProfile (pod or container \"c\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
            Evaluate("restricted:latest", """{"containers":[{"name":"c","image":"nginx"}]}"""));
        Assert.Equal("", Evaluate("restricted:latest", Restricted(GoodContainer)));
        Assert.Equal("", Evaluate("baseline:latest", """{"containers":[{"name":"c","image":"nginx"}]}"""));
        Assert.Equal("", Evaluate("privileged:latest", """{"hostNetwork":true,"containers":[{"name":"c","securityContext":{"privileged":true}}]}"""));
    }

    [Fact]
    public void A_privileged_pod_lists_the_baseline_violation_first()
    {
        Assert.Equal(
            "privileged (container \"c\" must not set securityContext.privileged=true), " +
            "allowPrivilegeEscalation != false (container \"c\" must set securityContext.allowPrivilegeEscalation=false), " +
            "unrestricted capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]), " +
            "runAsNonRoot != true (pod or container \"c\" must set securityContext.runAsNonRoot=true), " +
            "seccompProfile (pod or container \"c\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
            Evaluate("restricted:latest", """{"containers":[{"name":"c","image":"nginx","securityContext":{"privileged":true}}]}"""));
    }

    [Theory]
    [InlineData("""{"name":"c","securityContext":{"allowPrivilegeEscalation":true,"capabilities":{"drop":["ALL"]}}}""",
        "allowPrivilegeEscalation != false (container \"c\" must set securityContext.allowPrivilegeEscalation=false)")]
    [InlineData("""{"name":"c","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["NET_RAW"],"add":["NET_BIND_SERVICE","SYS_TIME","CHOWN"]}}}""",
        "unrestricted capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]; container \"c\" must not include \"CHOWN\", \"SYS_TIME\" in securityContext.capabilities.add)")]
    [InlineData("""{"name":"c","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE"]},"runAsNonRoot":false}}""",
        "runAsNonRoot != true (container \"c\" must not set securityContext.runAsNonRoot=false)")]
    [InlineData("""{"name":"c","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"runAsUser":0}}""",
        "runAsUser=0 (container \"c\" must not set runAsUser=0)")]
    [InlineData("""{"name":"c","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"seccompProfile":{"type":"Unconfined"}}}""",
        "seccompProfile (container \"c\" must not set securityContext.seccompProfile.type to \"Unconfined\")")]
    public void Each_restricted_check_names_what_it_forbids(string container, string expected) =>
        Assert.Equal(expected, Evaluate("restricted:latest", Restricted(container)));

    [Fact]
    public void Restricted_pod_level_settings_count_for_every_container()
    {
        Assert.Equal("runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)",
            Evaluate("restricted:latest", Restricted(GoodContainer, """{"runAsNonRoot":false,"seccompProfile":{"type":"RuntimeDefault"}}""")));
        Assert.Equal("runAsUser=0 (pod must not set runAsUser=0)",
            Evaluate("restricted:latest", Restricted(GoodContainer, """{"runAsNonRoot":true,"runAsUser":0,"seccompProfile":{"type":"RuntimeDefault"}}""")));
        Assert.Equal("", Evaluate("restricted:latest", Restricted(
            """{"name":"c","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"runAsNonRoot":true,"seccompProfile":{"type":"Localhost","localhostProfile":"p"}}}""",
            "{}")));
    }

    [Fact]
    public void Restricted_volumes_allow_only_the_listed_types_and_replace_the_hostPath_check()
    {
        var volumes = ""","volumes":[{"name":"a","configMap":{"name":"x"}},{"name":"b","hostPath":{"path":"/"}},{"name":"c","nfs":{"server":"s","path":"/"}},{"name":"d","projected":{"sources":[]}},{"name":"e","gitRepo":{"repository":"r"}},{"name":"f","emptyDir":{}}]""";

        Assert.Equal(
            "restricted volume types (volumes \"b\", \"c\", \"e\" use restricted volume types \"gitRepo\", \"hostPath\", \"nfs\")",
            Evaluate("restricted:latest", Restricted(GoodContainer, extra: volumes)));
    }

    [Theory]
    [InlineData("v1.7", "runAsNonRoot != true (pod or container \"c\" must set securityContext.runAsNonRoot=true)")]
    [InlineData("v1.8", "allowPrivilegeEscalation != false (container \"c\" must set securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true (pod or container \"c\" must set securityContext.runAsNonRoot=true)")]
    [InlineData("v1.19", "allowPrivilegeEscalation != false (container \"c\" must set securityContext.allowPrivilegeEscalation=false), runAsNonRoot != true (pod or container \"c\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container \"c\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")")]
    [InlineData("v1.22", "allowPrivilegeEscalation != false (container \"c\" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]), runAsNonRoot != true (pod or container \"c\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container \"c\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")")]
    public void Restricted_checks_start_at_their_versions(string version, string expected) =>
        Assert.Equal(expected, Evaluate("restricted:" + version, """{"containers":[{"name":"c","image":"nginx"}]}"""));

    [Fact]
    public void Restricted_capabilities_replace_the_baseline_capabilities_check_from_v1_22()
    {
        var spec = Restricted("""{"name":"c","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"],"add":["SYS_ADMIN"]}}}""");

        Assert.Equal("non-default capabilities (container \"c\" must not include \"SYS_ADMIN\" in securityContext.capabilities.add)", Evaluate("restricted:v1.21", spec));
        Assert.Equal("unrestricted capabilities (container \"c\" must not include \"SYS_ADMIN\" in securityContext.capabilities.add)", Evaluate("restricted:v1.22", spec));
    }

    [Fact]
    public void RunAsUser_0_is_forbidden_from_v1_23()
    {
        var spec = Restricted(GoodContainer, """{"runAsNonRoot":true,"runAsUser":0,"seccompProfile":{"type":"RuntimeDefault"}}""");

        Assert.Equal("", Evaluate("restricted:v1.22", spec));
        Assert.Equal("runAsUser=0 (pod must not set runAsUser=0)", Evaluate("restricted:v1.23", spec));
    }

    [Fact]
    public void Windows_pods_skip_the_linux_only_restricted_checks_from_v1_25()
    {
        var spec = """{"os":{"name":"windows"},"securityContext":{"runAsNonRoot":true},"containers":[{"name":"c","image":"nginx"}]}""";

        Assert.Equal(
            "allowPrivilegeEscalation != false (container \"c\" must set securityContext.allowPrivilegeEscalation=false), " +
            "unrestricted capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]), " +
            "seccompProfile (pod or container \"c\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
            Evaluate("restricted:v1.24", spec));
        Assert.Equal("", Evaluate("restricted:v1.25", spec));
    }

    [Fact]
    public void Ephemeral_and_init_containers_are_checked_too()
    {
        var spec = """{"initContainers":[{"name":"i","securityContext":{"privileged":true}}],"containers":[{"name":"c"}],"ephemeralContainers":[{"name":"e","securityContext":{"privileged":true}}]}""";

        Assert.Equal("privileged (containers \"i\", \"e\" must not set securityContext.privileged=true)", Evaluate("baseline:latest", spec));
    }

    [Theory]
    [InlineData("latest", true)]
    [InlineData("v1.0", true)]
    [InlineData("v1.33", true)]
    [InlineData("v1.100", true)]
    [InlineData("v1.01", false)]
    [InlineData("1.25", false)]
    [InlineData("v2.0", false)]
    [InlineData("v1.", false)]
    [InlineData("Latest", false)]
    public void Versions_are_latest_or_v1_x(string text, bool valid) => Assert.Equal(valid, PodSecurityVersion.TryParse(text, out _));
}
