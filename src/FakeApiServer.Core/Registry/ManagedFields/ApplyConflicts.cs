using FakeApiServer.Api;

namespace FakeApiServer.Registry.ManagedFields;

/// <summary>One field another manager owns with a different value than the applied one.</summary>
internal sealed record ApplyConflict(ManagerId Manager, FieldPath Path);

/// <summary>The 409 of a conflicting apply, worded as upstream's fieldmanager NewConflictError.</summary>
internal static class ApplyConflicts
{
    /// <summary>
    /// <c>Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas</c>, or for several:
    /// <c>Apply failed with 2 conflicts: conflicts with "a":\n- .x\n- .y</c> (managers sorted). Each conflict is a
    /// cause with reason FieldManagerConflict, the field path and <c>conflict with "manager"</c>. The details name
    /// no object, as upstream's NewApplyConflict.
    /// </summary>
    public static ApiException ToException(IReadOnlyList<ApplyConflict> conflicts)
    {
        string message;
        if (conflicts.Count == 1)
        {
            message = $"Apply failed with 1 conflict: conflict with {conflicts[0].Manager}: {conflicts[0].Path}";
        }
        else
        {
            var lines = conflicts
                .GroupBy(c => c.Manager.ToString())
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .SelectMany(g => g.Select(c => "- " + c.Path).Prepend($"conflicts with {g.Key}:"));
            message = $"Apply failed with {conflicts.Count} conflicts: " + string.Join("\n", lines);
        }

        var causes = conflicts.Select(c => new StatusCause("FieldManagerConflict", $"conflict with {c.Manager}", c.Path.ToString())).ToArray();
        return new ApiException(409, "Conflict", message, new StatusDetails(null, null, null) { Causes = causes });
    }
}
