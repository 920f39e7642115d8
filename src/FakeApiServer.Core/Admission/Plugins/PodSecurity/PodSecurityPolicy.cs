using FakeApiServer.Registry;

namespace FakeApiServer.Admission.Plugins.PodSecurity;

/// <summary>A level at a version (api.LevelVersion), printed "restricted:latest".</summary>
internal readonly record struct LevelVersion(PodSecurityLevel Level, PodSecurityVersion Version)
{
    public static LevelVersion PrivilegedLatest { get; } = new(PodSecurityLevel.Privileged, PodSecurityVersion.Latest);

    public override string ToString() => Level.Text() + ":" + Version;

    /// <summary>Both privileged, or the same level and version.</summary>
    public bool Equivalent(LevelVersion other) =>
        (Level == PodSecurityLevel.Privileged && other.Level == PodSecurityLevel.Privileged) || this == other;
}

/// <summary>
/// The policy of a namespace (api.Policy): the enforce, audit and warn levels, from its pod-security.kubernetes.io
/// labels over the configured defaults (api.PolicyToEvaluate).
/// </summary>
internal sealed record PodSecurityPolicy(LevelVersion Enforce, LevelVersion Audit, LevelVersion Warn)
{
    public const string LabelPrefix = "pod-security.kubernetes.io/";
    public const string EnforceLevelLabel = LabelPrefix + "enforce";
    public const string EnforceVersionLabel = LabelPrefix + "enforce-version";
    public const string AuditLevelLabel = LabelPrefix + "audit";
    public const string AuditVersionLabel = LabelPrefix + "audit-version";
    public const string WarnLevelLabel = LabelPrefix + "warn";
    public const string WarnVersionLabel = LabelPrefix + "warn-version";

    /// <summary>Every mode privileged at latest: the built-in defaults.</summary>
    public static PodSecurityPolicy Privileged { get; } = new(LevelVersion.PrivilegedLatest, LevelVersion.PrivilegedLatest, LevelVersion.PrivilegedLatest);

    public bool FullyPrivileged =>
        Enforce.Level == PodSecurityLevel.Privileged && Audit.Level == PodSecurityLevel.Privileged && Warn.Level == PodSecurityLevel.Privileged;

    public bool Equivalent(PodSecurityPolicy other) =>
        Enforce.Equivalent(other.Enforce) && Audit.Equivalent(other.Audit) && Warn.Equivalent(other.Warn);

    /// <summary>
    /// The policy the labels give over <paramref name="defaults"/>, always a usable one: a bad enforce value means
    /// restricted (and latest for a bad version), a bad audit or warn level means privileged (fail open). Errors are
    /// the label field errors upstream reports (metadata.labels[key]). Without a warn label, warn follows an explicit
    /// enforce level that is stricter than it.
    /// </summary>
    public static PodSecurityPolicy FromLabels(IReadOnlyDictionary<string, string> labels, PodSecurityPolicy defaults, List<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(errors);
        var (enforce, audit, warn) = (defaults.Enforce, defaults.Audit, defaults.Warn);
        var hasEnforceLevel = false;
        if (labels.TryGetValue(EnforceLevelLabel, out var value))
        {
            hasEnforceLevel = Level(EnforceLevelLabel, value, PodSecurityLevel.Restricted, errors, out var level);
            enforce = enforce with { Level = level };
        }

        if (labels.TryGetValue(EnforceVersionLabel, out value))
        {
            enforce = enforce with { Version = Version(EnforceVersionLabel, value, errors) };
        }

        if (labels.TryGetValue(AuditLevelLabel, out value))
        {
            Level(AuditLevelLabel, value, PodSecurityLevel.Privileged, errors, out var level);
            audit = audit with { Level = level };
        }

        if (labels.TryGetValue(AuditVersionLabel, out value))
        {
            audit = audit with { Version = Version(AuditVersionLabel, value, errors) };
        }

        var hasWarnLevel = labels.TryGetValue(WarnLevelLabel, out value);
        if (hasWarnLevel)
        {
            Level(WarnLevelLabel, value!, PodSecurityLevel.Privileged, errors, out var level);
            warn = warn with { Level = level };
        }

        var hasWarnVersion = labels.TryGetValue(WarnVersionLabel, out value);
        if (hasWarnVersion)
        {
            warn = warn with { Version = Version(WarnVersionLabel, value!, errors) };
        }

        if (!hasWarnLevel && hasEnforceLevel && enforce.Level > warn.Level)
        {
            warn = new LevelVersion(enforce.Level, hasWarnVersion ? warn.Version : enforce.Version);
        }

        return new PodSecurityPolicy(enforce, audit, warn);
    }

    private static bool Level(string label, string value, PodSecurityLevel fallback, List<FieldError> errors, out PodSecurityLevel level)
    {
        if (PodSecurityLevels.TryParse(value, out level))
        {
            return true;
        }

        level = fallback;
        errors.Add(FieldError.Invalid($"metadata.labels[{label}]", value, PodSecurityLevels.ParseError));
        return false;
    }

    private static PodSecurityVersion Version(string label, string value, List<FieldError> errors)
    {
        if (!PodSecurityVersion.TryParse(value, out var version))
        {
            errors.Add(FieldError.Invalid($"metadata.labels[{label}]", value, PodSecurityVersion.ParseError));
        }

        return version;
    }
}
