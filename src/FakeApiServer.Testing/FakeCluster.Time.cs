namespace FakeApiServer.Testing;

/// <summary>The cluster's clock.</summary>
public sealed partial class FakeCluster
{
    /// <summary>The server's clock: <see cref="FakeClusterOptions.TimeProvider"/>, or the system clock.</summary>
    public TimeProvider TimeProvider { get; private init; } = TimeProvider.System;

    /// <summary>
    /// The clock the test moves (<see cref="FakeClusterClock.Advance"/>), when the cluster was started with one
    /// (<c>TimeProvider = new FakeClusterClock()</c>). A test that brings its own TimeProvider (e.g. a FakeTimeProvider)
    /// moves that instead.
    /// </summary>
    /// <exception cref="InvalidOperationException">The cluster runs on another clock.</exception>
    public FakeClusterClock Clock => TimeProvider as FakeClusterClock
        ?? throw new InvalidOperationException(
            $"The cluster runs on {TimeProvider.GetType().Name}, not a FakeClusterClock: start it with new FakeClusterOptions {{ TimeProvider = new FakeClusterClock() }} to move its time.");
}
