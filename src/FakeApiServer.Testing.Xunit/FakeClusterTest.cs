using Xunit;

namespace FakeApiServer.Testing.Xunit;

/// <summary>
/// A base class for test classes that share one cluster through a <typeparamref name="TFixture"/> class fixture:
/// before each test the cluster is reset to its start state (<see cref="FakeCluster.ResetAsync"/>), so no test sees
/// another test's objects. For a collection fixture, put <c>[Collection]</c> on the derived class and declare the
/// collection with <c>ICollectionFixture&lt;TFixture&gt;</c>; the reset before each test works the same way.
/// </summary>
/// <typeparam name="TFixture">The fixture type: <see cref="FakeClusterFixture"/> or a class derived from it.</typeparam>
public abstract class FakeClusterTest<TFixture> : IClassFixture<TFixture>, IAsyncLifetime
    where TFixture : FakeClusterFixture
{
    /// <summary>Keeps the fixture xUnit passes to the derived class's constructor.</summary>
    /// <param name="fixture">The shared fixture.</param>
    protected FakeClusterTest(TFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        Fixture = fixture;
    }

    /// <summary>The shared fixture.</summary>
    protected TFixture Fixture { get; }

    /// <summary>The shared cluster, reset before this test.</summary>
    protected FakeCluster Cluster => Fixture.Cluster;

    /// <summary>Resets the cluster before the test (xUnit calls this after the constructor).</summary>
    public virtual Task InitializeAsync() => Cluster.ResetAsync(CancellationToken.None);

    /// <summary>Nothing to clean up after a test: the next test's reset does it.</summary>
    public virtual Task DisposeAsync() => Task.CompletedTask;
}
