using FakeApiServer.Storage;

namespace FakeApiServer.Hosting;

/// <summary>The host's store, for the fixture's storage tests (which backend, its revisions, its compactions).</summary>
public sealed partial class FakeApiServerHost
{
    internal IRevisionedStore Store => _store;
}
