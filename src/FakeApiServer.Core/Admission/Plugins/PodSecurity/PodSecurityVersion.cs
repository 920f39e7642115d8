using System.Globalization;

namespace FakeApiServer.Admission.Plugins.PodSecurity;

/// <summary>
/// A policy version (api.Version): "latest" or v1.x. Only major version 1 exists, so the minor number is the version.
/// Latest is newer than every numbered version, future ones included.
/// </summary>
internal readonly record struct PodSecurityVersion(int Minor, bool IsLatest)
{
    /// <summary>api.ParseVersion's error text.</summary>
    public const string ParseError = "must be \"latest\" or \"v1.x\"";

    public static PodSecurityVersion Latest { get; } = new(0, true);

    public static PodSecurityVersion V1(int minor) => new(minor, false);

    /// <summary>Whether this version is older than <paramref name="other"/>.</summary>
    public bool OlderThan(PodSecurityVersion other) => !IsLatest && (other.IsLatest || Minor < other.Minor);

    /// <summary>"latest" or "v1.x", as a label value and the messages print it.</summary>
    public override string ToString() => IsLatest ? "latest" : string.Create(CultureInfo.InvariantCulture, $"v1.{Minor}");

    /// <summary>"latest" or v1.x with no leading zero (upstream's ^v1\.([0-9]|[1-9][0-9]*)$); latest on failure, as upstream.</summary>
    public static bool TryParse(string text, out PodSecurityVersion version)
    {
        version = Latest;
        if (text == "latest")
        {
            return true;
        }

        if (!text.StartsWith("v1.", StringComparison.Ordinal))
        {
            return false;
        }

        var digits = text[3..];
        if (digits.Length == 0 || (digits.Length > 1 && digits[0] == '0') || !digits.All(char.IsAsciiDigit)
            || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return false;
        }

        version = V1(minor);
        return true;
    }
}
