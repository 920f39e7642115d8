using System.Globalization;
using FakeApiServer.Load.Ceilings;
using FakeApiServer.Load.Scenarios;

namespace FakeApiServer.Load.Harness;

/// <summary>What every scenario of one invocation shares: the profile, the clock, the ceilings, the large cluster.</summary>
internal sealed class RunContext : IAsyncDisposable
{
    private readonly TextWriter _progress;
    private readonly Lazy<Task<LargeCluster>> _large;

    public RunContext(RunProfile profile, TimeProvider time, TextWriter progress)
    {
        Profile = profile;
        Time = time;
        _progress = progress;
        WorkDir = Path.Combine(Path.GetTempPath(), "fakeapiserver-load-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(WorkDir);
        Runner = new LoadRunner(time);
        Ceilings = new CeilingSet(this);
        _large = new Lazy<Task<LargeCluster>>(() => LargeCluster.StartAsync(this, CancellationToken.None));
    }

    /// <summary>Sizes and durations.</summary>
    public RunProfile Profile { get; }

    /// <summary>The clock every measurement uses.</summary>
    public TimeProvider Time { get; }

    /// <summary>A temporary folder for stores, removed at the end.</summary>
    public string WorkDir { get; }

    /// <summary>Runs load tests.</summary>
    public LoadRunner Runner { get; }

    /// <summary>The ceilings, each measured once per invocation when a scenario first asks for it.</summary>
    public CeilingSet Ceilings { get; }

    /// <summary>The server seeded with up to <see cref="RunProfile.LargeCount"/> objects, shared by get, list and memory.</summary>
    public Task<LargeCluster> LargeClusterAsync() => _large.Value;

    /// <summary>Runs a load test with the profile's warm-up and duration.</summary>
    public Task<LoadStats> MeasureAsync(LoadTest test, CancellationToken cancellationToken) =>
        Runner.RunAsync(test, Profile.WarmUp, Profile.Duration, cancellationToken);

    /// <summary>Writes a progress line to the console.</summary>
    public void Progress(string message) =>
        _progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{DateTime.Now:HH:mm:ss}] {message}"));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Ceilings.DisposeAsync();
        if (_large.IsValueCreated)
        {
            await (await _large.Value).DisposeAsync();
        }

        StoreFiles.TryDelete(WorkDir);
    }
}
