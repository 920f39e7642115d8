namespace FakeApiServer.Testing.Tests;

/// <summary>Finds the repository's fixtures folder by walking up from the test binaries.</summary>
internal static class FixturePaths
{
    public static string Folder(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "fixtures", name);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"fixtures/{name} not found above {AppContext.BaseDirectory}");
    }
}
