using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Ceilings;

/// <summary>
/// This program as a ceiling's own process: <c>--serve-ceiling &lt;name&gt; &lt;work dir&gt;</c> serves one ceiling's
/// endpoints on 127.0.0.1:0 and prints its URL until killed, so the ceiling's CPU can be read apart from the client's.
/// </summary>
internal static class CeilingServer
{
    /// <summary>The argument that selects this mode.</summary>
    public const string Argument = "--serve-ceiling";

    /// <summary>Serves the named ceiling.</summary>
    public static async Task<int> ServeAsync(string name, string workDir, CancellationToken cancellationToken)
    {
        switch (name)
        {
            case GroupCommitCeiling.Name:
                using (var writer = GroupCommitWriter.Open(workDir))
                {
                    await ServeUntilKilledAsync(app => GroupCommitCeiling.Map(app, writer), name, cancellationToken);
                }

                return 0;
            case FanOutCeiling.Name:
                await using (var durable = await DurableRowWriter.OpenAsync(workDir, cancellationToken))
                {
                    await ServeUntilKilledAsync(app => FanOutCeiling.Map(app, durable), name, cancellationToken);
                }

                return 0;
            case FixedBodyCeiling.ProcessName:
                await ServeUntilKilledAsync(FixedBodyCeiling.Map, name, cancellationToken);
                return 0;
            case SameResponseCeiling.ProcessName:
                await SameResponseCeiling.ServeAsync(workDir, (map, serverHeader) => ServeUntilKilledAsync(map, name, cancellationToken, serverHeader));
                return 0;
            default:
                await Console.Error.WriteLineAsync($"unknown ceiling \"{name}\"; one of: {GroupCommitCeiling.Name}, {FanOutCeiling.Name}, {FixedBodyCeiling.ProcessName}, {SameResponseCeiling.ProcessName}");
                return 2;
        }
    }

    private static async Task ServeUntilKilledAsync(Action<Microsoft.AspNetCore.Builder.WebApplication> map, string name, CancellationToken cancellationToken, bool serverHeader = true)
    {
        await using var server = await BareKestrel.StartAsync(map, cancellationToken, serverHeader);
        Console.WriteLine($"Ceiling {name} is serving on {server.BaseAddress}");
        await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
