using FakeApiServer.Hosting;

namespace FakeApiServer.Load.Harness;

/// <summary>
/// This program as the host of one server in a process of its own: <c>--serve-server metrics|no-metrics &lt;data dir&gt;</c>
/// starts the server <see cref="ServerUnderTest.Options"/> describes, with its instruments on or off, prints its URL and
/// serves until killed. The instruments scenario compares several such processes of each setting, so that what sets one
/// server instance apart from another (its heap's layout, its JIT's choices) is not taken for the setting's cost.
/// </summary>
internal static class ServerHostProcess
{
    /// <summary>The argument that selects this mode.</summary>
    public const string Argument = "--serve-server";

    /// <summary>The setting with the instruments on.</summary>
    public const string WithMetrics = "metrics";

    /// <summary>The setting with the instruments off.</summary>
    public const string WithoutMetrics = "no-metrics";

    /// <summary>
    /// Starts `dotnet exec --runtimeconfig fakeapiserver.runtimeconfig.json FakeApiServer.Load.dll --serve-server ... dataDir`:
    /// the server runs with fakeapiserver's runtime settings (its thread pool does not spin, see
    /// src/FakeApiServer/FakeApiServer.csproj), not this program's. Its URL comes from <see cref="ChildProcess.UrlAsync"/>.
    /// </summary>
    public static ChildProcess Start(string dataDir, bool metrics) =>
        ChildProcess.StartWithRuntimeConfig(
            Path.ChangeExtension(ServerBinary.Locate(), ".runtimeconfig.json"),
            typeof(ServerHostProcess).Assembly.Location,
            Argument,
            metrics ? WithMetrics : WithoutMetrics,
            dataDir);

    /// <summary>Serves until the process is killed or <paramref name="cancellationToken"/> is cancelled.</summary>
    public static async Task<int> ServeAsync(string setting, string dataDir, CancellationToken cancellationToken)
    {
        if (setting is not (WithMetrics or WithoutMetrics))
        {
            await Console.Error.WriteLineAsync($"unknown setting \"{setting}\"; one of: {WithMetrics}, {WithoutMetrics}");
            return 2;
        }

        await using var host = await FakeApiServerHost.StartAsync(
            ServerUnderTest.Options(dataDir, metrics: setting == WithMetrics), handleSignals: false, timeProvider: null, cancellationToken);
        Console.WriteLine($"FakeApiServer ({setting}) is serving on {host.BaseAddress}");
        await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        return 0;
    }
}
