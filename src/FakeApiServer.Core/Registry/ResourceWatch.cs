using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Storage;

namespace FakeApiServer.Registry;

/// <summary>The type of a watch event as the API names it.</summary>
internal enum ResourceEventType
{
    Added,
    Modified,
    Deleted,
    Bookmark,
    Error,
}

/// <summary>
/// One watch event of a resource. For Bookmark only <see cref="Revision"/> matters (and
/// <see cref="InitialEventsEnd"/>); for Error, <see cref="Error"/> is the Status to send.
/// </summary>
internal sealed record ResourceEvent(ResourceEventType Type, StoredObject? Object, long Revision)
{
    public bool InitialEventsEnd { get; init; }

    public ApiException? Error { get; init; }
}

/// <summary>
/// Watch semantics of one resource over the store's change stream: synthetic ADDED events for resourceVersion
/// unset or "0", replay after a given resourceVersion, 410 as an ERROR event once it is compacted, selectors
/// with ADDED/DELETED when an object enters or leaves them, and sendInitialEvents with its closing bookmark.
/// Used by the HTTP watch and by in-process controllers alike.
/// </summary>
internal static class ResourceWatch
{
    public static void ValidateOptions(ListOptions options)
    {
        if (options.SendInitialEvents is true)
        {
            if (!options.AllowWatchBookmarks)
            {
                throw ApiException.Invalid(new GroupKind("meta.k8s.io", "ListOptions"), "",
                    [FieldError.Forbidden("sendInitialEvents", "sendInitialEvents requires setting allowWatchBookmarks to true")]);
            }

            if (options.ResourceVersionMatch != "NotOlderThan")
            {
                throw ApiException.Invalid(new GroupKind("meta.k8s.io", "ListOptions"), "",
                    [FieldError.Forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")]);
            }
        }
        else if (!string.IsNullOrEmpty(options.ResourceVersionMatch))
        {
            throw ApiException.Invalid(new GroupKind("meta.k8s.io", "ListOptions"), "",
                [FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")]);
        }
    }

    public static async IAsyncEnumerable<ResourceEvent> WatchAsync(
        ResourceDefinition definition, IRevisionedStore store, string ns, ListOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ValidateOptions(options);
        var filter = ResourceList.Filter(definition, options);
        var prefix = definition.NamespacePrefix(ns);
        var rv = options.ResourceVersion;
        if (string.IsNullOrEmpty(rv))
        {
            // resourceVersion unset starts from the most recent state, including writes through other replicas.
            await store.WaitForConsistentReadAsync(cancellationToken);
        }

        StoreSnapshot? initial = null;
        long from;
        if (options.SendInitialEvents is true)
        {
            // NotOlderThan with resourceVersion unset is the latest state, as with a consistent list.
            initial = ResourceList.SnapshotFor(store, rv, null);
            from = initial.Revision;
        }
        else if (options.SendInitialEvents is false && string.IsNullOrEmpty(rv))
        {
            from = store.CurrentRevision;
        }
        else if (string.IsNullOrEmpty(rv) || rv == "0")
        {
            initial = store.Latest;
            from = initial.Revision;
        }
        else
        {
            from = ResourceList.ParseResourceVersion(rv);
        }

        using var subscription = store.Watch(prefix, from);
        if (subscription is null)
        {
            yield return new ResourceEvent(ResourceEventType.Error, null, from) { Error = ApiException.Expired(from, store.CompactedRevision) };
            yield break;
        }

        if (initial is not null)
        {
            foreach (var stored in initial.Range(prefix))
            {
                if (filter is null || filter(ObjectJson.Parse(stored.Value)))
                {
                    yield return new ResourceEvent(ResourceEventType.Added, stored, stored.Revision);
                }
            }

            if (options.SendInitialEvents is true)
            {
                yield return new ResourceEvent(ResourceEventType.Bookmark, null, initial.Revision) { InitialEventsEnd = true };
            }
        }

        await foreach (var change in subscription.ReadAllAsync(cancellationToken))
        {
            var translated = Translate(change, filter);
            if (translated is not null)
            {
                yield return translated;
            }
        }
    }

    private static ResourceEvent? Translate(WatchEvent change, Func<JsonObject, bool>? filter)
    {
        if (filter is null)
        {
            return new ResourceEvent(Map(change.Type), change.Object, change.Revision);
        }

        var now = filter(ObjectJson.Parse(change.Object.Value));
        if (change.Type == WatchEventType.Deleted)
        {
            var before = change.Previous is not null ? filter(ObjectJson.Parse(change.Previous.Value)) : now;
            return before || now ? new ResourceEvent(ResourceEventType.Deleted, change.Object, change.Revision) : null;
        }

        var was = change.Previous is not null && filter(ObjectJson.Parse(change.Previous.Value));
        return (was, now) switch
        {
            (true, true) => new ResourceEvent(ResourceEventType.Modified, change.Object, change.Revision),
            (false, true) => new ResourceEvent(ResourceEventType.Added, change.Object, change.Revision),
            (true, false) => new ResourceEvent(ResourceEventType.Deleted, change.Object, change.Revision),
            _ => null,
        };
    }

    private static ResourceEventType Map(WatchEventType type) => type switch
    {
        WatchEventType.Created => ResourceEventType.Added,
        WatchEventType.Modified => ResourceEventType.Modified,
        _ => ResourceEventType.Deleted,
    };
}
