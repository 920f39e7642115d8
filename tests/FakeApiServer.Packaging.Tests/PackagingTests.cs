using System.Globalization;

namespace FakeApiServer.Packaging.Tests;

/// <summary>
/// Packs the src/ projects and uses the packages the way users do: the server as a dotnet tool serving kubectl, and
/// FakeApiServer.Testing from a throwaway xUnit project outside the solution. Filter: <c>Category=Packaging</c>.
/// </summary>
[Trait("Category", "Packaging")]
public sealed class PackagingTests(PackedPackages packages) : IClassFixture<PackedPackages>
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public void The_packages_carry_their_metadata_readme_and_licence()
    {
        foreach (var id in new[] { PackedPackages.ToolPackageId, PackedPackages.TestingPackageId, "FakeApiServer.Core", "FakeApiServer.Storage" })
        {
            var file = Path.Combine(packages.Feed, $"{id}.{PackedPackages.Version}.nupkg");
            Assert.True(File.Exists(file), $"{file} was not packed");
            using var archive = System.IO.Compression.ZipFile.OpenRead(file);
            Assert.NotNull(archive.GetEntry("README.md"));
            Assert.NotNull(archive.GetEntry("LICENSE"));
            using var nuspec = new StreamReader(archive.GetEntry($"{id}.nuspec")!.Open());
            var text = nuspec.ReadToEnd();
            Assert.Contains("<authors>FakeApiServer developers</authors>", text, StringComparison.Ordinal);
            Assert.Contains("<license type=\"expression\">Apache-2.0</license>", text, StringComparison.Ordinal);
            Assert.Contains("<readme>README.md</readme>", text, StringComparison.Ordinal);
            if (id == PackedPackages.TestingPackageId)
            {
                Assert.Contains("id=\"FakeApiServer.Core\"", text, StringComparison.Ordinal);
            }

            if (id == PackedPackages.ToolPackageId)
            {
                Assert.NotNull(archive.GetEntry("tools/net10.0/any/appsettings.json"));
            }
        }
    }

    [KubectlFact]
    public async Task The_installed_tool_serves_kubectl_and_exits_0_on_SIGTERM()
    {
        var tools = Path.Combine(packages.Root, "tools");
        var work = Directory.CreateDirectory(Path.Combine(packages.Root, "tool-run")).FullName;
        await Cli.RunAsync(Cli.Dotnet,
            ["tool", "install", PackedPackages.ToolPackageId, "--tool-path", tools, "--add-source", packages.Feed, "--version", PackedPackages.Version],
            work, CommandTimeout, packages.Environment);

        var kubectl = KubectlFactAttribute.Kubectl
            ?? throw new InvalidOperationException($"kubectl not found on PATH, and {KubectlFactAttribute.RequireVariable}=1 requires it");
        var kubeconfig = Path.Combine(work, "kubeconfig");
        var executable = Path.Combine(tools, OperatingSystem.IsWindows() ? "fakeapiserver.exe" : "fakeapiserver");

        // The working folder has no appsettings.json: the one packed next to the tool's dll must be read.
        using var server = Cli.Start(executable, ["--in-memory", "--port", "0", "--kubeconfig-out", kubeconfig], work, null, out var output);
        try
        {
            using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                while (!File.Exists(kubeconfig))
                {
                    Assert.False(server.HasExited, $"the tool exited with {(server.HasExited ? server.ExitCode : 0)} before serving:\n{output}");
                    Assert.False(deadline.IsCancellationRequested, $"no kubeconfig within 60 s:\n{output}");
                    await Task.Delay(50);
                }
            }

            var namespaces = await Cli.RunAsync(kubectl, ["--kubeconfig", kubeconfig, "get", "ns", "-o", "name"], work, CommandTimeout);
            Assert.Contains("namespace/default", namespaces, StringComparison.Ordinal);
            Assert.Contains("namespace/kube-system", namespaces, StringComparison.Ordinal);

            // networking.k8s.io/v1alpha1 is served only with the shipped appsettings.json (api/alpha=true).
            await Cli.RunAsync(kubectl, ["--kubeconfig", kubeconfig, "get", "--raw", "/apis/networking.k8s.io/v1alpha1"], work, CommandTimeout);

            await Cli.RunAsync("kill", ["-TERM", server.Id.ToString(CultureInfo.InvariantCulture)], work, TimeSpan.FromSeconds(10));
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await server.WaitForExitAsync(exit.Token);
            Assert.True(server.ExitCode == 0, $"exit code {server.ExitCode} after SIGTERM:\n{output}");
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task A_project_outside_the_solution_uses_the_Testing_package()
    {
        var project = Directory.CreateDirectory(Path.Combine(packages.Root, "consumer")).FullName;
        ThrowawayProject.Write(project, packages.Feed, PackedPackages.UserPackagesFolder, PackedPackages.TestingPackageId, PackedPackages.Version);

        var output = await Cli.RunAsync(Cli.Dotnet, ["test", project], project, CommandTimeout, packages.Environment);
        Assert.Contains("Passed!", output, StringComparison.Ordinal);
        // Every test of the throwaway project ran: the namespaces, the multi-network walkthrough reaching Running, and the samples.
        var count = ThrowawayProject.TestCount();
        Assert.Matches($@"Failed:\s+0, Passed:\s+{count}, Skipped:\s+0, Total:\s+{count}", output);
    }
}
