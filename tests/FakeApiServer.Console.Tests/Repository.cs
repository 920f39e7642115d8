namespace FakeApiServer.Console.Tests;

/// <summary>Files of the repository, found by walking up from the test binaries.</summary>
internal static class Repository
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "FakeApiServer.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException("the repository (FakeApiServer.sln) is not above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A file of fixtures/multinetwork.</summary>
    public static string MultiNetworkFixture(string file) => Path.Combine(Root, "fixtures", "multinetwork", file);

    /// <summary>
    /// Where screenshots go: FAKEAPISERVER_SCREENSHOTS when set (docs/ to refresh the committed ones), else the test
    /// output folder, so a plain test run leaves the work tree alone.
    /// </summary>
    public static string Screenshot(string name)
    {
        var folder = Environment.GetEnvironmentVariable("FAKEAPISERVER_SCREENSHOTS") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
