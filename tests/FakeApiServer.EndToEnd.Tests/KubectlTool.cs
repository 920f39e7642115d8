using System.Globalization;
using System.Text.RegularExpressions;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// Finds kubectl: the first "kubectl" on PATH, then, in the folder its real path lives in (symlinks resolved),
/// the versioned binaries kubectl.MAJOR.MINOR. The tests run against the oldest and the newest of them; when the
/// folder holds none, against the kubectl found on PATH.
/// </summary>
public static partial class KubectlTool
{
    /// <summary>Set to 1 to make a missing kubectl fail the tests instead of skipping them (CI).</summary>
    public const string RequireVariable = "FAKEAPISERVER_REQUIRE_KUBECTL";

    /// <summary>The theory label used when kubectl is required but missing; <see cref="PathOf"/> then fails.</summary>
    private const string Missing = "missing";

    /// <summary>The label of the kubectl on PATH when its folder holds no versioned binaries.</summary>
    private const string Default = "default";

    private static readonly Lazy<IReadOnlyList<(string Label, string Path)>> Installed = new(Find);

    /// <summary>Whether FAKEAPISERVER_REQUIRE_KUBECTL=1 is set.</summary>
    public static bool IsRequired => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>Whether kubectl was found on PATH.</summary>
    public static bool IsInstalled => Installed.Value.Count > 0;

    /// <summary>The skip reason for the kubectl tests: set when kubectl is missing, unless it is required.</summary>
    public static string? SkipReason => IsInstalled || IsRequired
        ? null
        : $"kubectl not found on PATH (set {RequireVariable}=1 to fail instead of skipping)";

    /// <summary>The labels of the versions under test: the oldest and the newest installed, e.g. "1.27" and "1.33".</summary>
    public static IReadOnlyList<string> Tested
    {
        get
        {
            var installed = Installed.Value;
            return installed.Count switch
            {
                0 => [Missing],
                1 => [installed[0].Label],
                _ => [installed[0].Label, installed[^1].Label],
            };
        }
    }

    /// <summary><see cref="Tested"/> as theory data.</summary>
    public static TheoryData<string> OldestAndNewest => new(Tested);

    /// <summary>The binary of a version label from <see cref="OldestAndNewest"/>.</summary>
    public static string PathOf(string version)
    {
        foreach (var (label, path) in Installed.Value)
        {
            if (label == version)
            {
                return path;
            }
        }

        throw new InvalidOperationException(version == Missing
            ? $"kubectl not found on PATH, and {RequireVariable}=1 requires it"
            : $"kubectl {version} is not installed");
    }

    /// <summary>The minor version of a label ("1.27" → 27), or null for the unversioned kubectl.</summary>
    public static int? MinorOf(string version)
    {
        var match = VersionedName().Match("kubectl." + version);
        return match.Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : null;
    }

    private static List<(string Label, string Path)> Find()
    {
        var onPath = FindOnPath();
        if (onPath is null)
        {
            return [];
        }

        var real = File.ResolveLinkTarget(onPath, returnFinalTarget: true)?.FullName ?? onPath;
        var folder = Path.GetDirectoryName(Path.GetFullPath(real))!;
        var versioned = new List<(int Major, int Minor, string Path)>();
        foreach (var file in Directory.EnumerateFiles(folder, "kubectl.*"))
        {
            var match = VersionedName().Match(Path.GetFileName(file));
            if (match.Success && IsExecutable(file))
            {
                versioned.Add((int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture),
                    int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), file));
            }
        }

        return versioned.Count == 0
            ? [(Default, onPath)]
            : versioned.OrderBy(v => v.Major).ThenBy(v => v.Minor)
                .Select(v => (string.Create(CultureInfo.InvariantCulture, $"{v.Major}.{v.Minor}"), v.Path)).ToList();
    }

    private static string? FindOnPath()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var name = OperatingSystem.IsWindows() ? "kubectl.exe" : "kubectl";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutable(string file) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    [GeneratedRegex(@"^kubectl\.(\d+)\.(\d+)$")]
    private static partial Regex VersionedName();
}

/// <summary>A fact that needs kubectl: skipped when kubectl is missing, unless FAKEAPISERVER_REQUIRE_KUBECTL=1.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (KubectlTool.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>
/// A theory over kubectl versions (use with <c>[MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]</c>):
/// skipped when kubectl is missing, unless FAKEAPISERVER_REQUIRE_KUBECTL=1.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class KubectlTheoryAttribute : TheoryAttribute
{
    public KubectlTheoryAttribute()
    {
        if (KubectlTool.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
