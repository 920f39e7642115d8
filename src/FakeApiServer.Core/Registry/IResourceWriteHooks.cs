using FakeApiServer.Storage;

namespace FakeApiServer.Registry;

/// <summary>
/// Work a resource needs after one of its writes is committed and before the request is answered, as upstream's
/// registry.Store AfterCreate and AfterUpdate hooks: a CustomResourceDefinition registers its kind there, so a client
/// that creates a CRD can use the kind as soon as the create returns. Not called for dry runs or no-op updates.
/// </summary>
internal interface IResourceWriteHooks
{
    /// <summary>Runs after a create; returns the object to answer with (the committed one, or a newer state of it).</summary>
    Task<StoredObject> AfterCreateAsync(StoredObject created, CancellationToken cancellationToken);

    /// <summary>Runs after an update (or the delete that an emptied finalizer list causes); returns the object to answer with.</summary>
    Task<StoredObject> AfterUpdateAsync(StoredObject updated, bool removed, CancellationToken cancellationToken);
}
