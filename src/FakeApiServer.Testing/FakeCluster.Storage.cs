namespace FakeApiServer.Testing;

/// <summary>The cluster's store, for storage tests.</summary>
public sealed partial class FakeCluster
{
    internal Storage.IRevisionedStore Store => _host.Store;
}
