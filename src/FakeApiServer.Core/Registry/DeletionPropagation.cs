using System.Text.Json.Nodes;

namespace FakeApiServer.Registry;

/// <summary>
/// How a delete asks the garbage collector to treat dependents (metav1.DeletionPropagation), as the generic registry's
/// deletionFinalizersForGarbageCollection: Foreground puts the <see cref="ForegroundFinalizer"/> on the owner, Orphan the
/// <see cref="OrphanFinalizer"/>, Background neither; without a policy the finalizers the object already carries decide.
/// The garbage-collector controller removes them once it has done its part; a server that runs without it keeps such
/// owners terminating, as a cluster without kube-controller-manager does.
/// </summary>
internal static class DeletionPropagation
{
    public const string Foreground = "Foreground";

    public const string Background = "Background";

    public const string Orphan = "Orphan";

    /// <summary>metav1.FinalizerDeleteDependents: the owner stays until its blocking dependents are gone.</summary>
    public const string ForegroundFinalizer = "foregroundDeletion";

    /// <summary>metav1.FinalizerOrphanDependents: the owner stays until its dependents no longer reference it.</summary>
    public const string OrphanFinalizer = "orphan";

    /// <summary>
    /// Sets the garbage collection finalizers that <paramref name="policy"/> asks for on <paramref name="obj"/>; true when
    /// its finalizers changed. Other finalizers keep their order; an added one goes last, as upstream appends it.
    /// </summary>
    public static bool ApplyFinalizers(JsonObject obj, string? policy)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var current = obj.Finalizers();
        var orphan = policy is null ? current.Contains(OrphanFinalizer) : policy == Orphan;
        var foreground = policy is null ? current.Contains(ForegroundFinalizer) : policy == Foreground;
        var wanted = current.Where(f => f is not (OrphanFinalizer or ForegroundFinalizer)).ToList();
        if (orphan)
        {
            wanted.Add(OrphanFinalizer);
        }

        if (foreground)
        {
            wanted.Add(ForegroundFinalizer);
        }

        if (wanted.Count == current.Count && !wanted.Except(current).Any())
        {
            return false;
        }

        var meta = obj.Metadata();
        if (wanted.Count == 0)
        {
            meta.Remove("finalizers");
        }
        else
        {
            meta["finalizers"] = new JsonArray(wanted.Select(f => (JsonNode)JsonValue.Create(f)).ToArray());
        }

        return true;
    }
}
