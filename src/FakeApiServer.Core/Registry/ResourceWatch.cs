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
/// The HTTP watch reads them through a <see cref="ResourceWatchStream"/>.
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

    /// <summary>
    /// Starts a watch: validates the options, picks the start (see the class), subscribes to the store and returns the
    /// stream of its events. A start that was compacted gives a stream of one ERROR event (410 Expired). Throws
    /// <see cref="ApiException"/> for a resourceVersion that cannot be served.
    /// </summary>
    public static async ValueTask<ResourceWatchStream> OpenAsync(
        ResourceDefinition definition, IRevisionedStore store, string ns, ListOptions options, CancellationToken cancellationToken)
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

        var subscription = store.Watch(prefix, from);
        if (subscription is null)
        {
            return new ResourceWatchStream(new ResourceEvent(ResourceEventType.Error, null, from) { Error = ApiException.Expired(from, store.CompactedRevision) });
        }

        var initialEvents = initial is null ? null : InitialEvents(initial, prefix, filter, options.SendInitialEvents is true).GetEnumerator();
        return new ResourceWatchStream(subscription, filter, initialEvents);
    }

    /// <summary>The synthetic ADDED events of a snapshot, and with sendInitialEvents the bookmark that ends them.</summary>
    private static IEnumerable<ResourceEvent> InitialEvents(StoreSnapshot initial, string prefix, Func<JsonObject, bool>? filter, bool sendInitialEvents)
    {
        foreach (var stored in initial.Range(prefix))
        {
            if (filter is null || filter(ObjectJson.Parse(stored.Value)))
            {
                yield return new ResourceEvent(ResourceEventType.Added, stored, stored.Revision);
            }
        }

        if (sendInitialEvents)
        {
            yield return new ResourceEvent(ResourceEventType.Bookmark, null, initial.Revision) { InitialEventsEnd = true };
        }
    }

    /// <summary>A store change as this watcher sees it through its selectors (null: it does not see it).</summary>
    internal static ResourceEvent? Translate(WatchEvent change, Func<JsonObject, bool>? filter)
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
