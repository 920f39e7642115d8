using System.Text.Json.Nodes;
using FakeApiServer.Schema;

namespace FakeApiServer.Registry.ManagedFields;

/// <summary>What an apply or update is, for the bookkeeping: the manager, the subresource, the kind's schema and version.</summary>
/// <param name="Manager">The field manager (fieldManager, else the User-Agent prefix).</param>
/// <param name="Subresource">"" for the resource itself, "status", "scale".</param>
/// <param name="ApiVersion">The apiVersion the fields refer to (the served version).</param>
/// <param name="Schema">The kind's structural schema; null means maps are granular and lists atomic.</param>
/// <param name="Ignored">Fields the strategy resets for this subresource (upstream's reset fields), owned by nobody through it.</param>
internal sealed record FieldManagerContext(string Manager, string Subresource, string ApiVersion, StructuralSchema? Schema, FieldSet Ignored);

/// <summary>
/// metadata.managedFields bookkeeping, as kube-apiserver's FieldManager over structured-merge-diff's Updater:
/// an Update takes the fields it changed from everyone; an Apply merges a configuration, fails on fields others own
/// with other values (unless forced, when they change hands) and removes what its applier stopped applying.
/// </summary>
internal sealed class ManagedFieldsTracker
{
    /// <summary>Fields no manager owns: identity and server-set metadata (upstream's stripMetaManager).</summary>
    internal static readonly FieldSet Stripped = FieldSet.Of(
        FieldPath.Of("apiVersion"),
        FieldPath.Of("kind"),
        FieldPath.Of("metadata"),
        FieldPath.Of("metadata", "name"),
        FieldPath.Of("metadata", "namespace"),
        FieldPath.Of("metadata", "creationTimestamp"),
        FieldPath.Of("metadata", "selfLink"),
        FieldPath.Of("metadata", "uid"),
        FieldPath.Of("metadata", "clusterName"),
        FieldPath.Of("metadata", "generation"),
        FieldPath.Of("metadata", "managedFields"),
        FieldPath.Of("metadata", "resourceVersion"));

    private readonly TimeProvider _time;
    private readonly FieldsV1Cache _fieldsV1 = new();

    public ManagedFieldsTracker(TimeProvider time) => _time = time;

    /// <summary>
    /// The managedFields of <paramref name="updated"/> after a create (<paramref name="live"/> null), update or
    /// non-apply patch. The base is what the client sent (<paramref name="requested"/>) when it is a non-empty,
    /// readable list on the main resource, so a client can rewrite or clear (<c>[{}]</c>) them; else the stored ones.
    /// The manager's Update entry gains the fields that were added or modified, which every other manager loses,
    /// as all managers lose removed fields; no conflicts. Null when no entry is left.
    /// </summary>
    public JsonArray? Update(JsonObject? live, JsonObject updated, JsonNode? requested, FieldManagerContext context)
    {
        // A create with no managedFields sent: the one entry is the created fields, encoded in one walk.
        if (live is null && requested is null && !(updated["metadata"] is JsonObject meta && meta.ContainsKey("managedFields")))
        {
            return CreateEntry(updated, context);
        }

        return UpdateByComparison(live, updated, requested, context);
    }

    /// <summary>
    /// <see cref="Update"/> for a create without managedFields (no entries to take fields from), without field-set
    /// tries: byte for byte what <see cref="UpdateByComparison"/> returns for it.
    /// </summary>
    internal JsonArray? CreateEntry(JsonObject created, FieldManagerContext context)
    {
        var fields = CreatedFields.Encode(created, context.Schema, context.Ignored, Stripped);
        if (fields is null)
        {
            return null;
        }

        var entry = new JsonObject();
        if (context.Manager.Length > 0)
        {
            entry["manager"] = context.Manager;
        }

        entry["operation"] = ManagedOperations.Update;
        if (context.ApiVersion.Length > 0)
        {
            entry["apiVersion"] = context.ApiVersion;
        }

        entry["time"] = Now();
        entry["fieldsType"] = "FieldsV1";
        entry["fieldsV1"] = fields;
        if (context.Subresource.Length > 0)
        {
            entry["subresource"] = context.Subresource;
        }

        return [entry];
    }

    /// <summary><see cref="Update"/> by comparing the objects' field sets: every case, and the reference for <see cref="CreateEntry"/>.</summary>
    internal JsonArray? UpdateByComparison(JsonObject? live, JsonObject updated, JsonNode? requested, FieldManagerContext context)
    {
        List<ManagedFieldsEntry> entries;
        if (context.Subresource.Length == 0 && ManagedFieldsEntry.TryDecode(requested, out var sent, _fieldsV1) && sent.Count > 0)
        {
            entries = sent;
        }
        else if (!ManagedFieldsEntry.TryDecode(live?["metadata"]?["managedFields"], out entries, _fieldsV1))
        {
            entries = [];
        }

        // A create compares with an empty object, as kube-apiserver compares with a new, empty typed object.
        var comparison = Filter(FieldSetBuilder.Compare(live ?? new JsonObject(), updated, context.Schema, withoutManagedFields: true), context.Ignored);
        // Sets are not changed once built: a union with an empty set is the set itself.
        var changed = comparison.Added.IsEmpty ? comparison.Modified : comparison.Changed;
        var taken = comparison.Removed.IsEmpty ? changed : changed.Union(comparison.Removed);
        var own = changed.RecursiveDifference(context.Ignored).Difference(Stripped);
        var id = ManagerId.Updater(context.Manager, context.ApiVersion, context.Subresource);

        // An entry that loses nothing keeps its set. So does the updater's own entry when taking the changes from it and
        // giving them back leaves the same paths (it owns every changed path and nothing else taken) and only fields
        // move (the encoding sorts elements, and fields never sort as equal, so their order in the set does not matter).
        var managers = new List<ManagedFieldsEntry>(entries.Count + 1);
        var ownSeen = own.IsEmpty;
        foreach (var e in entries)
        {
            var keeps = !e.Fields.Overlaps(taken);
            if (!ownSeen && e.Id == id)
            {
                ownSeen = true;
                keeps = keeps || (own.HasOnlyFields() && e.Fields.Contains(own) && !e.Fields.Overlaps(taken.Difference(own)));
            }

            managers.Add(keeps ? e : e with { Fields = e.Fields.Difference(taken) });
        }

        if (!own.IsEmpty)
        {
            // As upstream's managedFieldsUpdater: the changes join the manager's earlier entry and stamp its time.
            var index = managers.FindIndex(e => e.Id == id);
            var fields = index < 0 ? own : managers[index].Fields.Contains(own) ? managers[index].Fields : managers[index].Fields.Union(own);
            var entry = new ManagedFieldsEntry(id, context.ApiVersion, Now(), fields);
            if (index >= 0)
            {
                managers[index] = entry;
            }
            else
            {
                managers.Add(entry);
            }
        }

        return ManagedFieldsEntry.Encode(managers, _fieldsV1);
    }

    /// <summary>
    /// Applies <paramref name="config"/> to <paramref name="live"/> (an empty object when creating) and returns the
    /// merged object carrying its new managedFields. Throws the 409 of <see cref="ApplyConflicts"/> when a field the
    /// apply changes is owned by another manager, unless <paramref name="force"/>; the manager "kubectl" may take
    /// over fields its client-side apply annotation vouches for. A no-op apply keeps the entry's time.
    /// </summary>
    public JsonObject Apply(JsonObject live, JsonObject config, bool force, FieldManagerContext context)
    {
        if (!ManagedFieldsEntry.TryDecode(live["metadata"]?["managedFields"], out var entries, _fieldsV1))
        {
            entries = [];
        }

        var current = WithoutManagedFields(live)!;
        var schema = context.Schema;
        var merged = (JsonObject)ServerSideApply.Merge(current, config, schema)!;
        var id = ManagerId.Applier(context.Manager, context.Subresource);
        var previous = entries.Find(e => e.Id == id);
        var applied = FieldSetBuilder.ToFieldSet(config, schema).RecursiveDifference(context.Ignored);
        var managers = entries.Where(e => e.Id != id).ToList();
        if (previous is not null)
        {
            var owned = managers.Aggregate(applied, (all, e) => all.Union(e.Fields));
            ServerSideApply.Prune(merged, previous.Fields, owned, schema);
        }

        var comparison = Filter(FieldSetBuilder.Compare(current, merged, schema), context.Ignored);
        var changed = comparison.Changed;
        var conflicts = managers
            .SelectMany(e => e.Fields.Intersection(changed).Paths().Select(p => new ApplyConflict(e.Id, p)))
            .OrderBy(c => c.Manager.Manager, StringComparer.Ordinal)
            .ToList();
        if (conflicts.Count > 0 && !force && context.Manager == LastAppliedConfiguration.KubectlManager)
        {
            var allowed = LastAppliedConfiguration.AllowedConflicts(current, schema);
            conflicts = conflicts.Where(c => !allowed.Has(c.Path)).ToList();
        }

        if (conflicts.Count > 0 && !force)
        {
            throw ApplyConflicts.ToException(conflicts);
        }

        // Forced (or vouched for): the changed fields leave their other owners; removed fields leave everyone.
        managers = managers.Select(e => e with { Fields = e.Fields.Difference(changed).Difference(comparison.Removed) }).ToList();
        var changedObject = !JsonNode.DeepEquals(current, merged);
        managers.Add(new ManagedFieldsEntry(id, context.ApiVersion, changedObject ? Now() : previous?.Time, applied.Difference(Stripped)));
        if (context.Manager == LastAppliedConfiguration.KubectlManager)
        {
            LastAppliedConfiguration.Update(merged, config);
        }

        var encoded = ManagedFieldsEntry.Encode(managers, _fieldsV1);
        if (encoded is null)
        {
            merged.Metadata().Remove("managedFields");
        }
        else
        {
            merged.Metadata()["managedFields"] = encoded;
        }

        return merged;
    }

    /// <summary>Fields the strategy resets (e.g. status through the main resource) for <paramref name="subresource"/>.</summary>
    public static FieldSet ResetFields(string subresource, bool hasStatus) => subresource switch
    {
        "" when hasStatus => FieldSet.Of(FieldPath.Of("status")),
        "status" => FieldSet.Of(FieldPath.Of("spec")),
        _ => new FieldSet(),
    };

    private string Now() => ObjectMeta.FormatTime(_time.GetUtcNow());

    private static Comparison Filter(Comparison comparison, FieldSet ignored) => ignored.IsEmpty
        ? comparison
        : new Comparison(comparison.Added.RecursiveDifference(ignored), comparison.Modified.RecursiveDifference(ignored), comparison.Removed.RecursiveDifference(ignored));

    private static JsonObject? WithoutManagedFields(JsonObject? obj)
    {
        if (obj is null)
        {
            return null;
        }

        var copy = (JsonObject)obj.DeepClone();
        if (copy["metadata"] is JsonObject meta)
        {
            meta.Remove("managedFields");
        }

        return copy;
    }
}
