namespace FakeApiServer.Admission.Plugins.PodSecurity;

/// <summary>A Pod Security Standards level (pod-security.kubernetes.io api.Level), declared from the least to the most strict.</summary>
internal enum PodSecurityLevel
{
    Privileged,
    Baseline,
    Restricted,
}

/// <summary>Texts of <see cref="PodSecurityLevel"/>, as the namespace labels and the configuration spell them.</summary>
internal static class PodSecurityLevels
{
    /// <summary>api.ParseLevel's error text.</summary>
    public const string ParseError = "must be one of privileged, baseline, restricted";

    public static string Text(this PodSecurityLevel level) => level switch
    {
        PodSecurityLevel.Privileged => "privileged",
        PodSecurityLevel.Baseline => "baseline",
        _ => "restricted",
    };

    /// <summary>The level of a label value; upstream falls back to restricted on a bad value (the caller decides).</summary>
    public static bool TryParse(string text, out PodSecurityLevel level)
    {
        (var ok, level) = text switch
        {
            "privileged" => (true, PodSecurityLevel.Privileged),
            "baseline" => (true, PodSecurityLevel.Baseline),
            "restricted" => (true, PodSecurityLevel.Restricted),
            _ => (false, PodSecurityLevel.Restricted),
        };
        return ok;
    }
}
