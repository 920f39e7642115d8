using System.Reflection;

namespace FakeApiServer.Load.Harness;

/// <summary>Finds the built fakeapiserver.dll (src/FakeApiServer/bin/&lt;configuration&gt;/net10.0) for child-process scenarios.</summary>
internal static class ServerBinary
{
    /// <summary>The path of fakeapiserver.dll built in this program's configuration (else the other one).</summary>
    public static string Locate()
    {
        var configuration = typeof(ServerBinary).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "FakeApiServer.sln")))
            {
                continue;
            }

            var candidates = new[] { configuration, "Release", "Debug" }
                .Select(c => Path.Combine(dir.FullName, "src", "FakeApiServer", "bin", c, "net10.0", "fakeapiserver.dll"))
                .Where(File.Exists)
                .ToList();
            return candidates.Count > 0
                ? candidates[0]
                : throw new FileNotFoundException($"fakeapiserver.dll is not built under {dir.FullName}/src/FakeApiServer/bin; build the load project first");
        }

        throw new DirectoryNotFoundException("FakeApiServer.sln not found above " + AppContext.BaseDirectory);
    }
}
