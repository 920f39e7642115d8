using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers;

/// <summary>
/// Claiming the objects a controller owns, as upstream's ControllerRefManager (ClaimObject): an object controlled by
/// the controller stays claimed while the selector matches it and is released (its controller reference removed) when
/// it no longer does; an orphan in the controller's namespace that matches, and is not being deleted, is adopted (the
/// controller reference added), unless the controller is being deleted. Objects controlled by others are left alone.
/// Before the first adoption the controller is read again from storage (RecheckDeletionTimestamp): one gone, replaced or
/// being deleted adopts nothing.
/// </summary>
/// <param name="controller">The owner (a Deployment, say), as last seen.</param>
/// <param name="controllerStore">Where the owner is stored, to read it fresh before adopting.</param>
/// <param name="apiVersion">The owner's apiVersion in the controller reference.</param>
/// <param name="kind">The owner's kind.</param>
/// <param name="selector">Which objects the owner wants.</param>
/// <param name="objects">Where the owned objects are stored (their references are written there).</param>
/// <param name="writes">The field manager of the writes.</param>
internal sealed class ControllerRefManager(
    JsonObject controller, ResourceStore controllerStore, string apiVersion, string kind, LabelSelector selector, ResourceStore objects, WriteOptions writes)
{
    private bool? _canAdopt;

    /// <summary>The objects of <paramref name="candidates"/> the controller owns after adopting and releasing.</summary>
    /// <exception cref="InvalidOperationException">Some adoption or release failed (the others were done).</exception>
    public async Task<List<JsonObject>> ClaimAsync(IEnumerable<JsonObject> candidates, CancellationToken cancellationToken)
    {
        var claimed = new List<JsonObject>();
        var errors = new List<string>();
        foreach (var obj in candidates)
        {
            try
            {
                if (await ClaimObjectAsync(obj, cancellationToken) is { } owned)
                {
                    claimed.Add(owned);
                }
            }
            catch (ApiException e)
            {
                errors.Add(e.Message);
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(", ", errors));
        }

        return claimed;
    }

    private async Task<JsonObject?> ClaimObjectAsync(JsonObject obj, CancellationToken cancellationToken)
    {
        var controllerUid = controller.Uid();
        if (OwnerReferences.ControllerOf(obj) is { } reference)
        {
            if (reference.GetString("uid") != controllerUid)
            {
                return null;
            }

            if (selector.Matches(obj.Labels()))
            {
                return obj;
            }

            if (!controller.HasDeletionTimestamp())
            {
                await ReleaseAsync(obj, cancellationToken);
            }

            return null;
        }

        if (controller.HasDeletionTimestamp() || !selector.Matches(obj.Labels()) || obj.HasDeletionTimestamp() || obj.Namespace() != controller.Namespace())
        {
            return null;
        }

        return await AdoptAsync(obj, cancellationToken);
    }

    /// <summary>AdoptReplicaSet: adds the controller reference, on the object of the same uid only.</summary>
    private async Task<JsonObject?> AdoptAsync(JsonObject obj, CancellationToken cancellationToken)
    {
        EnsureCanAdopt();
        try
        {
            var updated = await objects.UpdateAsync(obj.Namespace(), obj.Name(), current =>
            {
                RequireSameUid(current, obj);
                current.Metadata().Remove("resourceVersion");
                var references = current.Metadata()["ownerReferences"] as JsonArray ?? [];
                foreach (var same in references.OfType<JsonObject>().Where(r => r.GetString("uid") == controller.Uid()).ToList())
                {
                    references.Remove(same);
                }

                references.Add(OwnerReferences.NewControllerRef(controller, apiVersion, kind));
                current.Metadata()["ownerReferences"] = references;
                return current;
            }, objects.Definition.Strategy, writes, cancellationToken);
            return ObjectJson.Parse(updated.Value);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return null;
        }
    }

    /// <summary>ReleaseReplicaSet: removes the controller's reference; an object gone or no longer valid is left be.</summary>
    private async Task ReleaseAsync(JsonObject obj, CancellationToken cancellationToken)
    {
        try
        {
            await objects.UpdateAsync(obj.Namespace(), obj.Name(), current =>
            {
                RequireSameUid(current, obj);
                current.Metadata().Remove("resourceVersion");
                if (current.Metadata()["ownerReferences"] is JsonArray references)
                {
                    foreach (var ours in references.OfType<JsonObject>().Where(r => r.GetString("uid") == controller.Uid()).ToList())
                    {
                        references.Remove(ours);
                    }

                    if (references.Count == 0)
                    {
                        current.Metadata().Remove("ownerReferences");
                    }
                }

                return current;
            }, objects.Definition.Strategy, writes, cancellationToken);
        }
        catch (ApiException e) when (e.Code is 404 or 422)
        {
        }
    }

    /// <summary>The patch's metadata.uid precondition: another object of the same name is not touched.</summary>
    private void RequireSameUid(JsonObject current, JsonObject wanted)
    {
        if (current.Uid() != wanted.Uid())
        {
            throw ApiException.ConflictWith(objects.Definition.GroupResource, wanted.Name(),
                $"Precondition failed: UID in precondition: {wanted.Uid()}, UID in object meta: {current.Uid()}");
        }
    }

    private void EnsureCanAdopt()
    {
        _canAdopt ??= controllerStore.TryGet(controller.Namespace(), controller.Name()) is { } stored
            && ObjectJson.Parse(stored.Value) is var fresh && fresh.Uid() == controller.Uid() && !fresh.HasDeletionTimestamp();
        if (_canAdopt == false)
        {
            throw new InvalidOperationException($"cannot adopt: {kind} {controller.Namespace()}/{controller.Name()} is gone or being deleted");
        }
    }
}
