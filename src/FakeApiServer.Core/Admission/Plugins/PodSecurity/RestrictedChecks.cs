using static FakeApiServer.Admission.Plugins.PodSecurity.PodSpecFields;

namespace FakeApiServer.Admission.Plugins.PodSecurity;

/// <summary>
/// The restricted checks of the Pod Security Standards (pod-security-admission policy/check_*.go), one method per
/// check version, with upstream's reasons and details. From v1.25 a pod with spec.os.name=windows passes the
/// Linux-only ones.
/// </summary>
internal static class RestrictedChecks
{
    /// <summary>The volume sources a restricted pod may use (the JSON member names).</summary>
    private static readonly string[] AllowedVolumeSources =
        ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"];

    /// <summary>The other volume sources, in the order upstream names the first one it finds.</summary>
    private static readonly string[] NamedVolumeSources =
    [
        "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd", "flexVolume",
        "cinder", "cephfs", "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk",
        "portworxVolume", "scaleIO", "storageos",
    ];

    public static PodSecurityCheckResult? AllowPrivilegeEscalationV1Dot8(PodTemplate pod)
    {
        var badContainers = Containers(pod.Spec).Where(c => Bool(SecurityContext(c), "allowPrivilegeEscalation") != false).Select(Name).ToList();
        return badContainers.Count == 0 ? null : new PodSecurityCheckResult(
            "allowPrivilegeEscalation != false", $"{ContainersText(badContainers)} must set securityContext.allowPrivilegeEscalation=false");
    }

    public static PodSecurityCheckResult? AllowPrivilegeEscalationV1Dot25(PodTemplate pod) =>
        IsWindows(pod.Spec) ? null : AllowPrivilegeEscalationV1Dot8(pod);

    public static PodSecurityCheckResult? CapabilitiesV1Dot22(PodTemplate pod)
    {
        var missingDropAll = new List<string>();
        var addingForbidden = new List<string>();
        var forbidden = SortedSet();
        foreach (var container in Containers(pod.Spec))
        {
            if (Child(SecurityContext(container), "capabilities") is not { } capabilities)
            {
                missingDropAll.Add(Name(container));
                continue;
            }

            if (!Strings(capabilities, "drop").Contains("ALL", StringComparer.Ordinal))
            {
                missingDropAll.Add(Name(container));
            }

            var added = Strings(capabilities, "add").Where(c => c != "NET_BIND_SERVICE").ToList();
            if (added.Count > 0)
            {
                addingForbidden.Add(Name(container));
                forbidden.UnionWith(added);
            }
        }

        var details = new List<string>();
        if (missingDropAll.Count > 0)
        {
            details.Add($"{ContainersText(missingDropAll)} must set securityContext.capabilities.drop=[\"ALL\"]");
        }

        if (addingForbidden.Count > 0)
        {
            details.Add($"{ContainersText(addingForbidden)} must not include {JoinQuote(forbidden)} in securityContext.capabilities.add");
        }

        return details.Count == 0 ? null : new PodSecurityCheckResult("unrestricted capabilities", string.Join("; ", details));
    }

    public static PodSecurityCheckResult? CapabilitiesV1Dot25(PodTemplate pod) => IsWindows(pod.Spec) ? null : CapabilitiesV1Dot22(pod);

    public static PodSecurityCheckResult? RestrictedVolumes(PodTemplate pod)
    {
        var badVolumes = new List<string>();
        var badTypes = SortedSet();
        foreach (var volume in Items(pod.Spec, "volumes"))
        {
            if (AllowedVolumeSources.Any(s => volume[s] is not null))
            {
                continue;
            }

            badVolumes.Add(Name(volume));
            badTypes.Add(NamedVolumeSources.FirstOrDefault(s => volume[s] is not null) ?? "unknown");
        }

        return badVolumes.Count == 0 ? null : new PodSecurityCheckResult(
            "restricted volume types",
            $"{Pluralize("volume", "volumes", badVolumes.Count)} {JoinQuote(badVolumes)} {Pluralize("uses", "use", badVolumes.Count)} " +
            $"{Pluralize("restricted volume type", "restricted volume types", badTypes.Count)} {JoinQuote(badTypes)}");
    }

    public static PodSecurityCheckResult? RunAsNonRoot(PodTemplate pod)
    {
        var badSetters = new List<string>();
        var podRunAsNonRoot = false;
        switch (Bool(SecurityContext(pod.Spec), "runAsNonRoot"))
        {
            case false:
                badSetters.Add("pod");
                break;
            case true:
                podRunAsNonRoot = true;
                break;
        }

        var explicitlyBad = new List<string>();
        var implicitlyBad = new List<string>();
        foreach (var container in Containers(pod.Spec))
        {
            switch (Bool(SecurityContext(container), "runAsNonRoot"))
            {
                case false:
                    explicitlyBad.Add(Name(container));
                    break;
                case null when !podRunAsNonRoot:
                    implicitlyBad.Add(Name(container));
                    break;
            }
        }

        if (explicitlyBad.Count > 0)
        {
            badSetters.Add(ContainersText(explicitlyBad));
        }

        if (badSetters.Count > 0)
        {
            return new PodSecurityCheckResult("runAsNonRoot != true", $"{string.Join(" and ", badSetters)} must not set securityContext.runAsNonRoot=false");
        }

        return implicitlyBad.Count == 0 ? null : new PodSecurityCheckResult(
            "runAsNonRoot != true", $"pod or {ContainersText(implicitlyBad)} must set securityContext.runAsNonRoot=true");
    }

    public static PodSecurityCheckResult? RunAsUser(PodTemplate pod)
    {
        var badSetters = new List<string>();
        if (Int(SecurityContext(pod.Spec), "runAsUser") == 0)
        {
            badSetters.Add("pod");
        }

        var badContainers = Containers(pod.Spec).Where(c => Int(SecurityContext(c), "runAsUser") == 0).Select(Name).ToList();
        if (badContainers.Count > 0)
        {
            badSetters.Add(ContainersText(badContainers));
        }

        return badSetters.Count == 0 ? null : new PodSecurityCheckResult("runAsUser=0", $"{string.Join(" and ", badSetters)} must not set runAsUser=0");
    }

    public static PodSecurityCheckResult? SeccompProfileV1Dot19(PodTemplate pod)
    {
        var seccomp = BaselineChecks.SeccompSetters(pod);
        if (seccomp.BadSetters.Count > 0)
        {
            return BaselineChecks.SeccompForbidden(seccomp);
        }

        return seccomp.PodSet || seccomp.Unset.Count == 0 ? null : new PodSecurityCheckResult(
            "seccompProfile",
            $"pod or {ContainersText(seccomp.Unset)} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
    }

    public static PodSecurityCheckResult? SeccompProfileV1Dot25(PodTemplate pod) => IsWindows(pod.Spec) ? null : SeccompProfileV1Dot19(pod);
}
