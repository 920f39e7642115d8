using FakeApiServer.Storage;

namespace FakeApiServer.Security.Authorization.Rbac;

/// <summary>
/// The RBAC policy of the store's latest snapshot, rebuilt only when an RBAC object changed: a snapshot whose
/// revision was seen is answered at once; a newer one whose RBAC objects have the same count and newest revision
/// (any create or update raises the newest revision, any delete lowers the count) reuses the parsed policy.
/// </summary>
internal sealed class RbacPolicySource
{
    private readonly IRevisionedStore _store;
    private Cached? _cached;

    public RbacPolicySource(IRevisionedStore store) => _store = store;

    /// <summary>The policy as of the latest committed state.</summary>
    public RbacPolicy Current
    {
        get
        {
            var snapshot = _store.Latest;
            var cached = Volatile.Read(ref _cached);
            if (cached is not null && cached.Revision == snapshot.Revision)
            {
                return cached.Policy;
            }

            var fingerprint = Fingerprint(snapshot);
            var policy = cached is not null && cached.Fingerprint == fingerprint ? cached.Policy : RbacPolicy.Build(snapshot);
            Volatile.Write(ref _cached, new Cached(snapshot.Revision, fingerprint, policy));
            return policy;
        }
    }

    private static (int Count, long Newest) Fingerprint(StoreSnapshot snapshot)
    {
        var count = 0;
        var newest = 0L;
        foreach (var prefix in RbacPolicy.KeyPrefixes)
        {
            foreach (var stored in snapshot.Range(prefix))
            {
                count++;
                newest = Math.Max(newest, stored.Revision);
            }
        }

        return (count, newest);
    }

    private sealed record Cached(long Revision, (int Count, long Newest) Fingerprint, RbacPolicy Policy);
}
