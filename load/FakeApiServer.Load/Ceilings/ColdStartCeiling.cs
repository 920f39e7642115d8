using FakeApiServer.Load.Harness;

namespace FakeApiServer.Load.Ceilings;

/// <summary>
/// Cold start of a minimal Kestrel process: this program started again as `dotnet FakeApiServer.Load.dll --serve-bare`,
/// timed from process start to its first answered GET.
/// </summary>
internal static class ColdStartCeiling
{
    /// <summary>The argument that makes this program serve the bare endpoint and nothing else.</summary>
    public const string ServeBareArgument = "--serve-bare";

    /// <summary>Serves GET /fixed on 127.0.0.1:0 and prints its URL, until killed.</summary>
    public static async Task<int> ServeBareAsync(CancellationToken cancellationToken)
    {
        await using var server = await BareKestrel.StartAsync(FixedBodyCeiling.Map, cancellationToken);
        Console.WriteLine($"Bare Kestrel is serving on {server.BaseAddress}");
        await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        return 0;
    }

    /// <summary>The median over the profile's process starts, in milliseconds.</summary>
    public static async Task<double> MeasureAsync(RunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Progress("ceiling: cold start of a bare Kestrel process");
        var dll = typeof(ColdStartCeiling).Assembly.Location;
        var times = new List<double>();
        for (var i = 0; i < context.Profile.ProcessStarts; i++)
        {
            times.Add(await TimeToFirstAnswerAsync(context.Time, dll, [ServeBareArgument], "fixed", cancellationToken));
        }

        return Median(times);
    }

    /// <summary>Starts `dotnet dll args`, reads its URL, GETs <paramref name="path"/> until 200; milliseconds from start.</summary>
    public static async Task<double> TimeToFirstAnswerAsync(TimeProvider time, string dll, string[] arguments, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var start = time.GetTimestamp();
        await using var child = ChildProcess.Start(dll, arguments);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var url = await child.UrlAsync(timeout.Token);
        using var http = HttpDriver.Create(url);
        while (true)
        {
            var result = await HttpDriver.SendAsync(http, HttpDriver.Get(path), timeout.Token);
            if (result.Ok)
            {
                return time.GetElapsedTime(start).TotalMilliseconds;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), time, timeout.Token);
        }
    }

    /// <summary>The median of a non-empty list.</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
