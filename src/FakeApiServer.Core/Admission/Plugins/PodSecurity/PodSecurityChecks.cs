namespace FakeApiServer.Admission.Plugins.PodSecurity;

/// <summary>
/// The checks of kube-apiserver 1.33's PodSecurity (policy.DefaultChecks and the evaluator of policy/registry.go):
/// each check has versions that apply from a policy version on; a restricted version may replace a baseline check
/// (OverrideCheckIDs). Evaluating a level runs, for the policy version (newer ones and latest mean the newest check
/// version, v1.32), the applicable version of every check of that level (restricted adds its checks to the baseline
/// ones it does not replace), baseline checks first, each group ordered by check ID.
/// </summary>
internal static class PodSecurityChecks
{
    private static readonly Check[] All =
    [
        Baseline("appArmorProfile", (0, BaselineChecks.AppArmorProfile)),
        Baseline("capabilities_baseline", (0, BaselineChecks.CapabilitiesBaseline)),
        Baseline("hostNamespaces", (0, BaselineChecks.HostNamespaces)),
        Baseline("hostPathVolumes", (0, BaselineChecks.HostPathVolumes)),
        Baseline("hostPorts", (0, BaselineChecks.HostPorts)),
        Baseline("privileged", (0, BaselineChecks.Privileged)),
        Baseline("procMount", (0, BaselineChecks.ProcMount)),
        Baseline("seLinuxOptions", (0, BaselineChecks.SeLinuxOptionsV1Dot0), (31, BaselineChecks.SeLinuxOptionsV1Dot31)),
        Baseline("seccompProfile_baseline", (0, BaselineChecks.SeccompProfileV1Dot0), (19, BaselineChecks.SeccompProfileV1Dot19)),
        Baseline("sysctls", (0, BaselineChecks.SysctlsV1Dot0), (27, BaselineChecks.SysctlsV1Dot27), (29, BaselineChecks.SysctlsV1Dot29), (32, BaselineChecks.SysctlsV1Dot32)),
        Baseline("windowsHostProcess", (0, BaselineChecks.WindowsHostProcess)),
        Restricted("allowPrivilegeEscalation", null, (8, RestrictedChecks.AllowPrivilegeEscalationV1Dot8), (25, RestrictedChecks.AllowPrivilegeEscalationV1Dot25)),
        Restricted("capabilities_restricted", "capabilities_baseline", (22, RestrictedChecks.CapabilitiesV1Dot22), (25, RestrictedChecks.CapabilitiesV1Dot25)),
        Restricted("restrictedVolumes", "hostPathVolumes", (0, RestrictedChecks.RestrictedVolumes)),
        Restricted("runAsNonRoot", null, (0, RestrictedChecks.RunAsNonRoot)),
        Restricted("runAsUser", null, (23, RestrictedChecks.RunAsUser)),
        Restricted("seccompProfile_restricted", "seccompProfile_baseline", (19, RestrictedChecks.SeccompProfileV1Dot19), (25, RestrictedChecks.SeccompProfileV1Dot25)),
    ];

    /// <summary>The newest minimum version of any check: newer policy versions (and latest) evaluate as this one.</summary>
    public static int MaxMinor { get; } = All.Max(c => c.Versions[^1].MinimumMinor);

    /// <summary>The results of the checks that forbid the pod at this level and version (none for privileged).</summary>
    public static IReadOnlyList<PodSecurityCheckResult> Evaluate(LevelVersion levelVersion, PodTemplate pod)
    {
        if (levelVersion.Level == PodSecurityLevel.Privileged)
        {
            return [];
        }

        var minor = levelVersion.Version.IsLatest ? MaxMinor : Math.Min(levelVersion.Version.Minor, MaxMinor);
        var applicable = All
            .Where(c => c.Level <= levelVersion.Level)
            .Select(c => (c.Id, Version: c.Versions.LastOrDefault(v => v.MinimumMinor <= minor)))
            .Where(c => c.Version is not null)
            .ToList();
        var overridden = applicable.Select(c => c.Version!.Overrides).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var results = new List<PodSecurityCheckResult>();
        foreach (var (id, version) in applicable)
        {
            if (!overridden.Contains(id) && version!.Run(pod) is { } result)
            {
                results.Add(result);
            }
        }

        return results;
    }

    /// <summary>"reason (detail), reason, ...": the text of a refusal or warning for one pod (AggregateCheckResult.ForbiddenDetail).</summary>
    public static string ForbiddenDetail(IReadOnlyList<PodSecurityCheckResult> results) =>
        string.Join(", ", results.Select(r => r.Detail.Length > 0 ? $"{r.Reason} ({r.Detail})" : r.Reason));

    /// <summary>"reason, reason, ...": the text for existing pods of a namespace (AggregateCheckResult.ForbiddenReason).</summary>
    public static string ForbiddenReason(IReadOnlyList<PodSecurityCheckResult> results) => string.Join(", ", results.Select(r => r.Reason));

    private static Check Baseline(string id, params (int Minor, PodSecurityCheckFunc Run)[] versions) =>
        new(id, PodSecurityLevel.Baseline, [.. versions.Select(v => new CheckVersion(v.Minor, v.Run, null))]);

    private static Check Restricted(string id, string? overrides, params (int Minor, PodSecurityCheckFunc Run)[] versions) =>
        new(id, PodSecurityLevel.Restricted, [.. versions.Select(v => new CheckVersion(v.Minor, v.Run, overrides))]);

    /// <summary>A check: its ID, its level and its versions by increasing minimum version.</summary>
    private sealed record Check(string Id, PodSecurityLevel Level, CheckVersion[] Versions);

    /// <summary>A version of a check, from v1.MinimumMinor on; a restricted version may replace a baseline check.</summary>
    private sealed record CheckVersion(int MinimumMinor, PodSecurityCheckFunc Run, string? Overrides);
}
