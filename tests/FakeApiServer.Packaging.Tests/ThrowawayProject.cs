using System.Security;

namespace FakeApiServer.Packaging.Tests;

/// <summary>
/// Writes an xUnit project that references only the packed FakeApiServer.Testing package: its own nuget.config
/// (the local feed for FakeApiServer.*, the user's package cache and nuget.org for the rest), explicit versions (no
/// central package management), and empty Directory.*.props so nothing is inherited from the folders above.
/// </summary>
internal static class ThrowawayProject
{
    // The versions of Directory.Packages.props.
    private const string TestSdkVersion = "18.0.1";
    private const string XunitVersion = "2.9.3";
    private const string XunitRunnerVersion = "3.1.5";

    /// <summary>The test a user writes: a few lines.</summary>
    public const string TestSource = """
        using FakeApiServer.Testing;
        using k8s;
        using Xunit;

        public class ClusterTests
        {
            [Fact]
            public async Task Lists_the_namespaces()
            {
                var ct = CancellationToken.None;
                await using var cluster = await FakeCluster.StartAsync(ct);
                var namespaces = await cluster.Client.CoreV1.ListNamespaceAsync(cancellationToken: ct);
                Assert.Contains(namespaces.Items, n => n.Metadata.Name == "default");
            }

            [Fact]
            public async Task Runs_the_multi_network_walkthrough()
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions
                {
                    FeatureGates = FakeApiServer.Features.FeatureGates.Parse("MultiNetwork=true"),
                    RuntimeConfig = new Dictionary<string, bool> { ["api/alpha"] = true },
                    Controllers = FakeApiServer.Controllers.ControllerSelection.All,
                }, cts.Token);
                await cluster.ApplyFolderAsync("@FIXTURES@", cts.Token);
                await cluster.WaitForPodsRunningAsync("default", 3, TimeSpan.FromSeconds(30), cts.Token);
            }
        }
        """;

    public static void Write(string folder, string feed, string userPackages, string packageId, string version)
    {
        File.WriteAllText(Path.Combine(folder, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(folder, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(folder, "Directory.Packages.props"), "<Project />\n");
        var cache = Directory.Exists(userPackages)
            ? $"""    <add key="user-cache" value="{SecurityElement.Escape(userPackages)}" />"""
            : "";
        var cacheMapping = Directory.Exists(userPackages)
            ? """    <packageSource key="user-cache"><package pattern="*" /></packageSource>"""
            : "";
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{SecurityElement.Escape(feed)}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
            {cache}
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="FakeApiServer.*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
            {cacheMapping}
              </packageSourceMapping>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(folder, "Consumer.Tests.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <IsPackable>false</IsPackable>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
                <Using Include="Xunit" />
                <PackageReference Include="{packageId}" Version="{version}" />
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="{TestSdkVersion}" />
                <PackageReference Include="xunit" Version="{XunitVersion}" />
                <PackageReference Include="xunit.runner.visualstudio" Version="{XunitRunnerVersion}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "ClusterTests.cs"), TestSource.Replace("@FIXTURES@", FixturesFolder().Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal));

        // The samples docs/testing.md quotes, compiled and run against the package as a user would copy them.
        var samples = Directory.CreateDirectory(Path.Combine(folder, "Samples")).FullName;
        foreach (var sample in SampleFiles())
        {
            File.Copy(sample, Path.Combine(samples, Path.GetFileName(sample)), overwrite: true);
        }
    }

    /// <summary>The number of tests of the written project: the two of <see cref="TestSource"/> and the samples'.</summary>
    public static int TestCount() => 2 + SampleFiles().Sum(f => File.ReadAllText(f).Split("[Fact]").Length - 1);

    /// <summary>The .cs files of samples/FakeApiServer.Samples, found by walking up from the test binaries.</summary>
    private static string[] SampleFiles() => Directory.GetFiles(RepositoryFolder(Path.Combine("samples", "FakeApiServer.Samples")), "*.cs");

    /// <summary>The repository's fixtures/multinetwork folder, found by walking up from the test binaries.</summary>
    private static string FixturesFolder() => RepositoryFolder(Path.Combine("fixtures", "multinetwork"));

    private static string RepositoryFolder(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(path))
            {
                return path;
            }
        }

        throw new DirectoryNotFoundException(relative + " not found above " + AppContext.BaseDirectory);
    }
}
