using System.Text.Json;
using System.Text.RegularExpressions;

namespace FakeApiServer.Packaging.Tests;

/// <summary>
/// Packs the solution's packable projects (those under src/) once per test class into a temporary folder. The tool
/// install and the throwaway project use a private NuGet packages folder, so that a FakeApiServer package of the same
/// version from an earlier run is never reused.
/// </summary>
public sealed partial class PackedPackages : IAsyncLifetime
{
    /// <summary>The version the packages are built with (Directory.Build.props).</summary>
    public const string Version = "0.1.0";

    /// <summary>The tool's package id (src/FakeApiServer).</summary>
    public const string ToolPackageId = "FakeApiServer.Tool";

    /// <summary>The fixture library's package id (src/FakeApiServer.Testing).</summary>
    public const string TestingPackageId = "FakeApiServer.Testing";

    /// <summary>The folder holding FakeApiServer.sln.</summary>
    public string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>A temporary folder for everything this class writes; deleted at the end.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("fakeapiserver-packaging-").FullName;

    /// <summary>The folder the .nupkg files are packed into: the local package source.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>The private global packages folder (NUGET_PACKAGES) of the tool install and the throwaway project.</summary>
    public string PackagesFolder => Path.Combine(Root, "nuget-packages");

    /// <summary>The environment of the inner dotnet commands.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackagesFolder };

    /// <summary>The user's global packages folder, used as an offline-first source for third-party packages.</summary>
    public static string UserPackagesFolder =>
        System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(PackagesFolder);

        // A solution filter of the src/ projects: one build for all packages, without building the tests (this one runs).
        var solution = Path.Combine(RepositoryRoot, "FakeApiServer.sln");
        var projects = SolutionProject().Matches(await File.ReadAllTextAsync(solution))
            .Select(m => m.Groups[1].Value)
            .Where(p => p.StartsWith(@"src\", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(@"src\FakeApiServer.Testing\FakeApiServer.Testing.csproj", projects);
        var filter = Path.Combine(Root, "packable.slnf");
        await File.WriteAllTextAsync(filter, JsonSerializer.Serialize(new { solution = new { path = solution, projects } }));

        // The repository's own restore keeps the user's packages folder: its obj/ must not point into this temp folder.
        await Cli.RunAsync(Cli.Dotnet, ["pack", filter, "-c", "Release", "-o", Feed], RepositoryRoot, TimeSpan.FromMinutes(4));
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process still holding a file; the temp folder is the OS's to clean.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return Task.CompletedTask;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FakeApiServer.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"FakeApiServer.sln not found above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^Project\(""\{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC\}""\) = ""[^""]+"", ""([^""]+\.csproj)""", RegexOptions.Multiline)]
    private static partial Regex SolutionProject();
}
