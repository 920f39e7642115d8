using Xunit;

namespace FakeApiServer.Testing.Xunit;

/// <summary>
/// An xUnit class or collection fixture holding one <see cref="FakeCluster"/> for every test of a class (or collection).
/// Derive from it and override <see cref="CreateOptions"/> to start the cluster with other options. Pair it with
/// <see cref="FakeClusterTest{TFixture}"/>, which resets the cluster before each test.
/// </summary>
public class FakeClusterFixture : IAsyncLifetime
{
    private FakeCluster? _cluster;

    /// <summary>The cluster; available once xUnit has initialized the fixture.</summary>
    /// <exception cref="InvalidOperationException">The fixture is not initialized.</exception>
    public FakeCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>Starts the cluster (xUnit calls this before the first test that uses the fixture).</summary>
    public async Task InitializeAsync() => _cluster = await FakeCluster.StartAsync(CreateOptions(), CancellationToken.None);

    /// <summary>Stops the cluster (xUnit calls this after the last test that uses the fixture).</summary>
    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
            _cluster = null;
        }
    }

    /// <summary>The options the cluster starts with; the defaults of <see cref="FakeClusterOptions"/> unless overridden.</summary>
    /// <returns>The options.</returns>
    protected virtual FakeClusterOptions CreateOptions() => new();
}
