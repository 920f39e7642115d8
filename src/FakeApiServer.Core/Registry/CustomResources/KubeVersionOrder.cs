using System.Globalization;
using System.Text.RegularExpressions;

namespace FakeApiServer.Registry.CustomResources;

/// <summary>
/// Kubernetes version priority (apimachinery's CompareKubeAwareVersionStrings), which orders a CRD's versions in
/// discovery: GA before beta before alpha, higher numbers first within each; names that are not Kubernetes versions
/// come last, alphabetically.
/// </summary>
internal sealed partial class KubeVersionOrder : IComparer<string>
{
    public static readonly KubeVersionOrder Instance = new();

    /// <summary>Negative when <paramref name="x"/> has the higher priority (sorts first).</summary>
    public int Compare(string? x, string? y)
    {
        var a = Parse(x ?? "");
        var b = Parse(y ?? "");
        if (a is null || b is null)
        {
            return a is null && b is null ? string.CompareOrdinal(x, y) : a is null ? 1 : -1;
        }

        if (a.Value.Stage != b.Value.Stage)
        {
            return b.Value.Stage.CompareTo(a.Value.Stage);
        }

        if (a.Value.Major != b.Value.Major)
        {
            return b.Value.Major.CompareTo(a.Value.Major);
        }

        return b.Value.Minor.CompareTo(a.Value.Minor);
    }

    private static (int Major, int Stage, int Minor)? Parse(string version)
    {
        var match = Version().Match(version);
        if (!match.Success)
        {
            return null;
        }

        var major = int.Parse(match.Groups["major"].Value, CultureInfo.InvariantCulture);
        var stage = match.Groups["stage"].Value switch { "alpha" => 0, "beta" => 1, _ => 2 };
        var minor = match.Groups["minor"].Success ? int.Parse(match.Groups["minor"].Value, CultureInfo.InvariantCulture) : 0;
        return (major, stage, minor);
    }

    [GeneratedRegex("^v(?<major>[1-9][0-9]*)(?:(?<stage>alpha|beta)(?<minor>[1-9][0-9]*))?$")]
    private static partial Regex Version();
}
