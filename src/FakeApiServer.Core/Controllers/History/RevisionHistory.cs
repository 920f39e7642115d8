using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.History;

/// <summary>
/// The ControllerRevisions of one StatefulSet or DaemonSet, read and written as the two controllers do: the update
/// revision is the existing revision equal to the current template (renumbered to the newest when an older one is
/// reused, as after a rollback) or a new one named by its hash (collisionCount grows when another revision holds the
/// name), and revisions beyond revisionHistoryLimit that no pod uses are deleted oldest first.
/// </summary>
internal sealed class RevisionHistory(ResourceCatalog catalog, SharedInformerFactory informers, string fieldManager)
{
    private ResourceStore Revisions => catalog.Get("apps", "controllerrevisions");

    /// <summary>The revisions controlled by <paramref name="owner"/>, oldest first.</summary>
    public List<JsonObject> Owned(JsonObject owner, string kind) =>
        informers.For("apps", "controllerrevisions").Lister.ByIndex(Indexers.ByControllerUid, owner.Uid() ?? "", owner.Namespace())
            .Where(r => OwnerReferences.IsControlledBy(r, kind, owner.Uid()))
            .OrderBy(ControllerRevisions.Number)
            .ThenBy(r => r.Name(), StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The revision of <paramref name="owner"/>'s current template and the collisionCount it was named with;
    /// <paramref name="hash"/> gives the name's hash for a collision count.
    /// </summary>
    public async Task<(JsonObject Revision, long? CollisionCount)> EnsureUpdateRevisionAsync(
        JsonObject owner, string kind, List<JsonObject> revisions, Func<long?, string> hash, CancellationToken cancellationToken)
    {
        var data = ControllerRevisions.TemplatePatch(owner);
        var collisionCount = owner["status"]?.AsObject().GetInt64("collisionCount");
        var equal = revisions.LastOrDefault(r => JsonNode.DeepEquals(r["data"], data));
        if (equal is not null)
        {
            if (ReferenceEquals(equal, revisions[^1]))
            {
                return (equal, collisionCount);
            }

            var next = ControllerRevisions.Next(revisions);
            var renumbered = await Revisions.UpdateAsync(owner.Namespace(), equal.Name(), current =>
            {
                current["revision"] = next;
                return current;
            }, Revisions.Definition.Strategy, new WriteOptions(FieldManager: fieldManager), cancellationToken);
            var result = ObjectJson.Parse(renumbered.Value);
            revisions.Remove(equal);
            revisions.Add(result);
            return (result, collisionCount);
        }

        var number = ControllerRevisions.Next(revisions);
        while (true)
        {
            var revision = ControllerRevisions.New(owner, "apps/v1", kind, data, number, hash(collisionCount));
            try
            {
                var created = ObjectJson.Parse((await Revisions.CreateAsync(owner.Namespace(), revision, new WriteOptions(FieldManager: fieldManager), cancellationToken)).Value);
                revisions.Add(created);
                return (created, collisionCount);
            }
            catch (ApiException e) when (e.Code == 409)
            {
                if (Revisions.TryGet(owner.Namespace(), revision.Name()) is { } stored
                    && ObjectJson.Parse(stored.Value) is var existing
                    && OwnerReferences.IsControlledBy(existing, kind, owner.Uid())
                    && JsonNode.DeepEquals(existing["data"], data))
                {
                    return (existing, collisionCount);
                }

                collisionCount = (collisionCount ?? 0) + 1;
            }
        }
    }

    /// <summary>Deletes the revisions beyond <paramref name="limit"/> that are not <paramref name="live"/>.</summary>
    public async Task TruncateAsync(IEnumerable<JsonObject> revisions, IReadOnlySet<string> live, long limit, CancellationToken cancellationToken)
    {
        foreach (var revision in ControllerRevisions.Excess(revisions, live, limit))
        {
            try
            {
                await Revisions.DeleteAsync(revision.Namespace(), revision.Name(), new DeleteOptions { PreconditionUid = revision.Uid() }, cancellationToken);
            }
            catch (ApiException e) when (e.Code is 404 or 409)
            {
                // Already gone.
            }
        }
    }
}
