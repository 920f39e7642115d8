using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.Validation;

namespace FakeApiServer.Admission.Plugins.PodSecurity;

/// <summary>
/// The PodSecurity plugin's configuration (PodSecurityConfiguration of pod-security.admission.config.k8s.io, from
/// --admission-control-config-file): the policy of namespaces without labels, and the exempt users, namespaces and
/// runtime classes. Without a configuration every default is privileged at latest and nothing is exempt.
/// </summary>
internal sealed record PodSecurityConfiguration(
    PodSecurityPolicy Defaults,
    IReadOnlyList<string> ExemptUsernames,
    IReadOnlyList<string> ExemptNamespaces,
    IReadOnlyList<string> ExemptRuntimeClasses)
{
    public const string Group = "pod-security.admission.config.k8s.io";

    public const string Kind = "PodSecurityConfiguration";

    /// <summary>The served versions of the kind, as the plugin's scheme accepts them.</summary>
    private static readonly string[] ApiVersions = [Group + "/v1", Group + "/v1beta1", Group + "/v1alpha1"];

    public static PodSecurityConfiguration Default { get; } = new(PodSecurityPolicy.Privileged, [], [], []);

    /// <summary>
    /// The configuration of a decoded document (null: the defaults), defaulted and validated as upstream's loader and
    /// ValidatePodSecurityConfiguration do; throws <see cref="FormatException"/> with the reason.
    /// </summary>
    public static PodSecurityConfiguration Parse(JsonObject? document)
    {
        if (document is null)
        {
            return Default;
        }

        var apiVersion = document.GetString("apiVersion") ?? "";
        var kind = document.GetString("kind") ?? "";
        if (!ApiVersions.Contains(apiVersion, StringComparer.Ordinal) || kind != Kind)
        {
            throw new FormatException(
                $"PodSecurity configuration error: expected kind {Kind} of {string.Join(", ", ApiVersions)}, got kind \"{kind}\" of \"{apiVersion}\"");
        }

        var defaults = document["defaults"] as JsonObject;
        var exemptions = document["exemptions"] as JsonObject;
        var errors = new List<FieldError>();
        var enforce = Mode(defaults, "enforce", errors);
        var audit = Mode(defaults, "audit", errors);
        var warn = Mode(defaults, "warn", errors);
        var namespaces = Exemptions(exemptions, "namespaces", NameValidation.IsDns1123Label, errors);
        var runtimeClasses = Exemptions(exemptions, "runtimeClasses", NameValidation.IsDns1123Subdomain, errors);
        var usernames = Exemptions(exemptions, "usernames", u => u.Length == 0 ? ["username must not be empty"] : [], errors);
        if (errors.Count > 0)
        {
            var text = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors) + "]";
            throw new FormatException("PodSecurity invalid: " + text);
        }

        return new PodSecurityConfiguration(new PodSecurityPolicy(enforce, audit, warn), usernames, namespaces, runtimeClasses);
    }

    /// <summary>A mode's level and version (both default to privileged and latest).</summary>
    private static LevelVersion Mode(JsonObject? defaults, string mode, List<FieldError> errors)
    {
        var levelText = defaults?.GetString(mode) is { Length: > 0 } l ? l : "privileged";
        var versionText = defaults?.GetString(mode + "-version") is { Length: > 0 } v ? v : "latest";
        if (!PodSecurityLevels.TryParse(levelText, out var level))
        {
            errors.Add(FieldError.Invalid("defaults." + mode, levelText, PodSecurityLevels.ParseError));
        }

        if (!PodSecurityVersion.TryParse(versionText, out var version))
        {
            errors.Add(FieldError.Invalid($"defaults.{mode}-version", versionText, PodSecurityVersion.ParseError));
        }

        return new LevelVersion(level, version);
    }

    private static string[] Exemptions(JsonObject? exemptions, string field, Func<string, IReadOnlyList<string>> validate, List<FieldError> errors)
    {
        var values = PodSpecFields.Strings(exemptions, field).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < values.Count; i++)
        {
            var path = $"exemptions.{field}[{i}]";
            if (validate(values[i]) is { Count: > 0 } problems)
            {
                errors.Add(FieldError.Invalid(path, values[i], string.Join(", ", problems)));
            }
            else if (!seen.Add(values[i]))
            {
                errors.Add(FieldError.Duplicate(path, values[i]));
            }
        }

        return [.. values];
    }
}
