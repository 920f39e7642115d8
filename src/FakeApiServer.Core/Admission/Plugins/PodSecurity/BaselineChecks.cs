using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using static FakeApiServer.Admission.Plugins.PodSecurity.PodSpecFields;

namespace FakeApiServer.Admission.Plugins.PodSecurity;

/// <summary>
/// The baseline checks of the Pod Security Standards (pod-security-admission policy/check_*.go), one method per
/// check version, with upstream's reasons and details. <see cref="PodSecurityChecks"/> says which applies when.
/// </summary>
internal static class BaselineChecks
{
    private const string AppArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/";
    private const string SeccompPodAnnotation = "seccomp.security.alpha.kubernetes.io/pod";
    private const string SeccompContainerAnnotationPrefix = "container.seccomp.security.alpha.kubernetes.io/";

    /// <summary>The capabilities a baseline container may add (container runtimes' default set).</summary>
    private static readonly HashSet<string> AllowedCapabilities =
    [
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP",
        "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    ];

    private static readonly string[] SeLinuxTypesV1Dot0 = ["", "container_t", "container_init_t", "container_kvm_t"];
    private static readonly string[] SeLinuxTypesV1Dot31 = [.. SeLinuxTypesV1Dot0, "container_engine_t"];

    private static readonly string[] AllowedSysctlsV1Dot0 =
    [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
    ];

    private static readonly string[] AllowedSysctlsV1Dot27 = [.. AllowedSysctlsV1Dot0, "net.ipv4.ip_local_reserved_ports"];

    private static readonly string[] AllowedSysctlsV1Dot29 =
    [
        .. AllowedSysctlsV1Dot27, "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    ];

    private static readonly string[] AllowedSysctlsV1Dot32 = [.. AllowedSysctlsV1Dot29, "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];

    public static PodSecurityCheckResult? AppArmorProfile(PodTemplate pod)
    {
        var badSetters = new List<string>();
        var badValues = SortedSet();
        if (Child(SecurityContext(pod.Spec), "appArmorProfile") is { } podProfile && !AllowedAppArmorType(Text(podProfile, "type")))
        {
            badSetters.Add("pod");
            badValues.Add(Text(podProfile, "type") ?? "");
        }

        var badContainers = new List<string>();
        foreach (var container in Containers(pod.Spec))
        {
            if (Child(SecurityContext(container), "appArmorProfile") is { } profile && !AllowedAppArmorType(Text(profile, "type")))
            {
                badContainers.Add(Name(container));
                badValues.Add(Text(profile, "type") ?? "");
            }
        }

        if (badContainers.Count > 0)
        {
            badSetters.Add(ContainersText(badContainers));
        }

        var forbiddenAnnotations = Annotations(pod.Metadata)
            .Where(a => a.Key.StartsWith(AppArmorAnnotationPrefix, StringComparison.Ordinal) && !AllowedAppArmorAnnotation(a.Value))
            .Select(a => a.Key + "=" + FieldError.Quote(a.Value))
            .Order(StringComparer.Ordinal)
            .ToList();
        var badValueList = badValues.Concat(forbiddenAnnotations).ToList();
        if (forbiddenAnnotations.Count > 0)
        {
            badSetters.Add(Pluralize("annotation", "annotations", forbiddenAnnotations.Count));
        }

        return badSetters.Count == 0 ? null : new PodSecurityCheckResult(
            Pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", badValueList.Count),
            $"{string.Join(" and ", badSetters)} must not set AppArmor profile type to {JoinQuote(badValueList)}");
    }

    public static PodSecurityCheckResult? CapabilitiesBaseline(PodTemplate pod)
    {
        var badContainers = new List<string>();
        var nonDefault = SortedSet();
        foreach (var container in Containers(pod.Spec))
        {
            var added = Strings(Child(SecurityContext(container), "capabilities"), "add").Where(c => !AllowedCapabilities.Contains(c)).ToList();
            if (added.Count > 0)
            {
                badContainers.Add(Name(container));
                nonDefault.UnionWith(added);
            }
        }

        return badContainers.Count == 0 ? null : new PodSecurityCheckResult(
            "non-default capabilities",
            $"{ContainersText(badContainers)} must not include {JoinQuote(nonDefault)} in securityContext.capabilities.add");
    }

    public static PodSecurityCheckResult? HostNamespaces(PodTemplate pod)
    {
        var used = new List<string>();
        if (Bool(pod.Spec, "hostNetwork") == true)
        {
            used.Add("hostNetwork=true");
        }

        if (Bool(pod.Spec, "hostPID") == true)
        {
            used.Add("hostPID=true");
        }

        if (Bool(pod.Spec, "hostIPC") == true)
        {
            used.Add("hostIPC=true");
        }

        return used.Count == 0 ? null : new PodSecurityCheckResult("host namespaces", string.Join(", ", used));
    }

    public static PodSecurityCheckResult? HostPathVolumes(PodTemplate pod)
    {
        var volumes = Items(pod.Spec, "volumes").Where(v => v["hostPath"] is not null).Select(Name).ToList();
        return volumes.Count == 0 ? null : new PodSecurityCheckResult(
            "hostPath volumes", $"{Pluralize("volume", "volumes", volumes.Count)} {JoinQuote(volumes)}");
    }

    public static PodSecurityCheckResult? HostPorts(PodTemplate pod)
    {
        var badContainers = new List<string>();
        var ports = SortedSet();
        foreach (var container in Containers(pod.Spec))
        {
            var used = Items(container, "ports").Select(p => Int(p, "hostPort") ?? 0).Where(p => p != 0).ToList();
            if (used.Count > 0)
            {
                badContainers.Add(Name(container));
                ports.UnionWith(used.Select(p => p.ToString(CultureInfo.InvariantCulture)));
            }
        }

        return badContainers.Count == 0 ? null : new PodSecurityCheckResult(
            "hostPort",
            $"{ContainersText(badContainers)} {Pluralize("uses", "use", badContainers.Count)} {Pluralize("hostPort", "hostPorts", ports.Count)} {string.Join(", ", ports)}");
    }

    public static PodSecurityCheckResult? Privileged(PodTemplate pod)
    {
        var badContainers = Containers(pod.Spec).Where(c => Bool(SecurityContext(c), "privileged") == true).Select(Name).ToList();
        return badContainers.Count == 0 ? null : new PodSecurityCheckResult(
            "privileged", $"{ContainersText(badContainers)} must not set securityContext.privileged=true");
    }

    public static PodSecurityCheckResult? ProcMount(PodTemplate pod)
    {
        var badContainers = new List<string>();
        var types = SortedSet();
        foreach (var container in Containers(pod.Spec))
        {
            if (Text(SecurityContext(container), "procMount") is { } procMount && procMount != "Default")
            {
                badContainers.Add(Name(container));
                types.Add(procMount);
            }
        }

        return badContainers.Count == 0 ? null : new PodSecurityCheckResult(
            "procMount", $"{ContainersText(badContainers)} must not set securityContext.procMount to {JoinQuote(types)}");
    }

    public static PodSecurityCheckResult? SeLinuxOptionsV1Dot0(PodTemplate pod) => SeLinuxOptions(pod, SeLinuxTypesV1Dot0);

    public static PodSecurityCheckResult? SeLinuxOptionsV1Dot31(PodTemplate pod) => SeLinuxOptions(pod, SeLinuxTypesV1Dot31);

    /// <summary>The alpha seccomp annotations (before the field existed): unconfined and unknown profiles are forbidden.</summary>
    public static PodSecurityCheckResult? SeccompProfileV1Dot0(PodTemplate pod)
    {
        var annotations = Annotations(pod.Metadata);
        var forbidden = SortedSet();
        if (annotations.TryGetValue(SeccompPodAnnotation, out var value) && !AllowedSeccompAnnotation(value))
        {
            forbidden.Add(SeccompPodAnnotation + "=" + FieldError.Quote(value));
        }

        foreach (var container in Containers(pod.Spec))
        {
            var key = SeccompContainerAnnotationPrefix + Name(container);
            if (annotations.TryGetValue(key, out value) && !AllowedSeccompAnnotation(value))
            {
                forbidden.Add(key + "=" + FieldError.Quote(value));
            }
        }

        return forbidden.Count == 0 ? null : new PodSecurityCheckResult(
            "seccompProfile", $"forbidden {Pluralize("annotation", "annotations", forbidden.Count)} {string.Join(", ", forbidden)}");
    }

    /// <summary>securityContext.seccompProfile.type, where set, is RuntimeDefault or Localhost.</summary>
    public static PodSecurityCheckResult? SeccompProfileV1Dot19(PodTemplate pod)
    {
        var seccomp = SeccompSetters(pod);
        return seccomp.BadSetters.Count == 0 ? null : SeccompForbidden(seccomp);
    }

    public static PodSecurityCheckResult? SysctlsV1Dot0(PodTemplate pod) => Sysctls(pod, AllowedSysctlsV1Dot0);

    public static PodSecurityCheckResult? SysctlsV1Dot27(PodTemplate pod) => Sysctls(pod, AllowedSysctlsV1Dot27);

    public static PodSecurityCheckResult? SysctlsV1Dot29(PodTemplate pod) => Sysctls(pod, AllowedSysctlsV1Dot29);

    public static PodSecurityCheckResult? SysctlsV1Dot32(PodTemplate pod) => Sysctls(pod, AllowedSysctlsV1Dot32);

    public static PodSecurityCheckResult? WindowsHostProcess(PodTemplate pod)
    {
        var setters = new List<string>();
        if (Bool(Child(SecurityContext(pod.Spec), "windowsOptions"), "hostProcess") == true)
        {
            setters.Add("pod");
        }

        var badContainers = Containers(pod.Spec)
            .Where(c => Bool(Child(SecurityContext(c), "windowsOptions"), "hostProcess") == true).Select(Name).ToList();
        if (badContainers.Count > 0)
        {
            setters.Add(ContainersText(badContainers));
        }

        return setters.Count == 0 ? null : new PodSecurityCheckResult(
            "hostProcess", $"{string.Join(" and ", setters)} must not set securityContext.windowsOptions.hostProcess=true");
    }

    /// <summary>
    /// The setters (pod, containers) whose seccompProfile.type is neither RuntimeDefault nor Localhost, their bad
    /// values, whether the pod sets a good one, and the containers that set none; shared with the restricted check.
    /// </summary>
    internal static SeccompSettings SeccompSetters(PodTemplate pod)
    {
        var badSetters = new List<string>();
        var badValues = SortedSet();
        var podSeccompSet = false;
        if (Child(SecurityContext(pod.Spec), "seccompProfile") is { } podProfile)
        {
            if (!ValidSeccompType(Text(podProfile, "type")))
            {
                badSetters.Add("pod");
                badValues.Add(Text(podProfile, "type") ?? "");
            }
            else
            {
                podSeccompSet = true;
            }
        }

        var badContainers = new List<string>();
        var unset = new List<string>();
        foreach (var container in Containers(pod.Spec))
        {
            if (Child(SecurityContext(container), "seccompProfile") is { } profile)
            {
                if (!ValidSeccompType(Text(profile, "type")))
                {
                    badContainers.Add(Name(container));
                    badValues.Add(Text(profile, "type") ?? "");
                }
            }
            else
            {
                unset.Add(Name(container));
            }
        }

        if (badContainers.Count > 0)
        {
            badSetters.Add(ContainersText(badContainers));
        }

        return new SeccompSettings(badSetters, badValues, podSeccompSet, unset);
    }

    internal static PodSecurityCheckResult SeccompForbidden(SeccompSettings seccomp) => new(
        "seccompProfile", $"{string.Join(" and ", seccomp.BadSetters)} must not set securityContext.seccompProfile.type to {JoinQuote(seccomp.BadValues)}");

    /// <summary>What <see cref="SeccompSetters"/> found.</summary>
    internal sealed record SeccompSettings(List<string> BadSetters, SortedSet<string> BadValues, bool PodSet, List<string> Unset);

    private static bool ValidSeccompType(string? type) => type is "Localhost" or "RuntimeDefault";

    private static bool AllowedSeccompAnnotation(string value) =>
        value is "runtime/default" or "docker/default" || value.StartsWith("localhost/", StringComparison.Ordinal);

    private static bool AllowedAppArmorType(string? type) => type is "RuntimeDefault" or "Localhost";

    private static bool AllowedAppArmorAnnotation(string value) =>
        value.Length == 0 || value == "runtime/default" || value.StartsWith("localhost/", StringComparison.Ordinal);

    private static PodSecurityCheckResult? SeLinuxOptions(PodTemplate pod, string[] allowedTypes)
    {
        var badTypes = SortedSet();
        var (setUser, setRole) = (false, false);
        bool Valid(JsonObject options)
        {
            var valid = true;
            var type = Text(options, "type") ?? "";
            if (!allowedTypes.Contains(type, StringComparer.Ordinal))
            {
                valid = false;
                badTypes.Add(type);
            }

            if (!string.IsNullOrEmpty(Text(options, "user")))
            {
                valid = false;
                setUser = true;
            }

            if (!string.IsNullOrEmpty(Text(options, "role")))
            {
                valid = false;
                setRole = true;
            }

            return valid;
        }

        var badSetters = new List<string>();
        if (Child(SecurityContext(pod.Spec), "seLinuxOptions") is { } podOptions && !Valid(podOptions))
        {
            badSetters.Add("pod");
        }

        var badContainers = Containers(pod.Spec)
            .Where(c => Child(SecurityContext(c), "seLinuxOptions") is { } options && !Valid(options))
            .Select(Name).ToList();
        if (badContainers.Count > 0)
        {
            badSetters.Add(ContainersText(badContainers));
        }

        if (badSetters.Count == 0)
        {
            return null;
        }

        var badData = new List<string>();
        if (badTypes.Count > 0)
        {
            badData.Add($"{Pluralize("type", "types", badTypes.Count)} {JoinQuote(badTypes)}");
        }

        if (setUser)
        {
            badData.Add("user may not be set");
        }

        if (setRole)
        {
            badData.Add("role may not be set");
        }

        return new PodSecurityCheckResult(
            "seLinuxOptions", $"{string.Join(" and ", badSetters)} set forbidden securityContext.seLinuxOptions: {string.Join("; ", badData)}");
    }

    private static PodSecurityCheckResult? Sysctls(PodTemplate pod, string[] allowed)
    {
        var forbidden = Items(SecurityContext(pod.Spec), "sysctls")
            .Select(s => Text(s, "name") ?? "")
            .Where(n => !allowed.Contains(n, StringComparer.Ordinal))
            .ToList();
        return forbidden.Count == 0 ? null : new PodSecurityCheckResult("forbidden sysctls", string.Join(", ", forbidden));
    }
}
