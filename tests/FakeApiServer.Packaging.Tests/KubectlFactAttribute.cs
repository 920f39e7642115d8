namespace FakeApiServer.Packaging.Tests;

/// <summary>
/// A fact that needs kubectl on PATH: skipped when it is missing, unless FAKEAPISERVER_REQUIRE_KUBECTL=1 (CI).
/// The same pattern as the end-to-end tests' attribute, kept small here so this project references nothing.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class KubectlFactAttribute : FactAttribute
{
    /// <summary>Set to 1 to make a missing kubectl fail the test instead of skipping it.</summary>
    public const string RequireVariable = "FAKEAPISERVER_REQUIRE_KUBECTL";

    public KubectlFactAttribute()
    {
        if (Kubectl is null && Environment.GetEnvironmentVariable(RequireVariable) != "1")
        {
            Skip = $"kubectl not found on PATH (set {RequireVariable}=1 to fail instead of skipping)";
        }
    }

    /// <summary>The first executable kubectl on PATH, or null.</summary>
    public static string? Kubectl { get; } = FindOnPath();

    private static string? FindOnPath()
    {
        var name = OperatingSystem.IsWindows() ? "kubectl.exe" : "kubectl";
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)
                && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
            {
                return candidate;
            }
        }

        return null;
    }
}
