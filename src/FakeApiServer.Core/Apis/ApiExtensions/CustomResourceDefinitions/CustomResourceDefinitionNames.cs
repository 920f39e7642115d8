using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.ApiExtensions.CustomResourceDefinitions;

/// <summary>
/// Name acceptance, as upstream's naming controller (calculateNamesAndConditions) and establishing controller: each
/// requested name is accepted when it is already this CRD's accepted name or no other CRD of the group has accepted
/// it; otherwise NamesAccepted is False with PluralConflict, SingularConflict, ShortNamesConflict, KindConflict or
/// ListKindConflict and the previously accepted name stays. A CRD whose names are accepted is Established.
/// </summary>
internal static class CustomResourceDefinitionNames
{
    /// <summary>Sets status.acceptedNames and the NamesAccepted and Established conditions of <paramref name="crd"/>.</summary>
    /// <param name="crd">The CRD to update (its status is changed in place).</param>
    /// <param name="others">The other CRDs as stored.</param>
    /// <param name="now">For lastTransitionTime.</param>
    public static void Apply(JsonObject crd, IEnumerable<JsonObject> others, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(crd);
        var group = crd["spec"]?["group"]?.GetValue<string>() ?? "";
        var resources = new HashSet<string>(StringComparer.Ordinal);
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var other in others)
        {
            if (other.Name() == crd.Name() || (other["spec"] as JsonObject)?.GetString("group") != group
                || other["status"]?["acceptedNames"] is not JsonObject accepted)
            {
                continue;
            }

            Add(resources, accepted.GetString("plural"));
            Add(resources, accepted.GetString("singular"));
            foreach (var shortName in Strings(accepted["shortNames"]))
            {
                Add(resources, shortName);
            }

            Add(kinds, accepted.GetString("kind"));
            Add(kinds, accepted.GetString("listKind"));
        }

        var requested = crd["spec"]?["names"] as JsonObject ?? [];
        if (crd["status"] is not JsonObject status)
        {
            crd["status"] = status = [];
        }

        var acceptedNames = status["acceptedNames"] as JsonObject ?? [];
        var newNames = (JsonObject)acceptedNames.DeepClone();
        (string Reason, string Message)? conflict = null;

        void Check(string field, HashSet<string> used, string reason)
        {
            var wanted = requested.GetString(field) ?? "";
            if (EqualToAcceptedOrFresh(wanted, acceptedNames.GetString(field) ?? "", used) is { } error)
            {
                conflict = (reason, error);
            }
            else
            {
                newNames[field] = wanted;
            }
        }

        Check("plural", resources, "PluralConflict");
        Check("singular", resources, "SingularConflict");
        var wantedShort = Strings(requested["shortNames"]);
        var acceptedShort = Strings(acceptedNames["shortNames"]);
        if (!wantedShort.SequenceEqual(acceptedShort))
        {
            var errors = wantedShort.Where(s => !acceptedShort.Contains(s))
                .Select(s => EqualToAcceptedOrFresh(s, "", resources)).OfType<string>().ToList();
            if (errors.Count > 0)
            {
                conflict = ("ShortNamesConflict", errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors) + "]");
            }
            else if (wantedShort.Count > 0)
            {
                newNames["shortNames"] = new JsonArray([.. wantedShort.Select(s => (JsonNode)s)]);
            }
            else
            {
                newNames.Remove("shortNames");
            }
        }

        Check("kind", kinds, "KindConflict");
        Check("listKind", kinds, "ListKindConflict");
        if (requested["categories"] is JsonArray categories)
        {
            newNames["categories"] = categories.DeepClone();
        }
        else
        {
            newNames.Remove("categories");
        }

        status["acceptedNames"] = newNames;
        if (conflict is { } c)
        {
            CrdConditions.Set(crd, CrdConditions.NamesAccepted, "False", c.Reason, c.Message, now);
        }
        else
        {
            CrdConditions.Set(crd, CrdConditions.NamesAccepted, "True", "NoConflicts", "no conflicts found", now);
        }

        if (CrdConditions.IsTrue(crd, CrdConditions.Established))
        {
            return;
        }

        if (conflict is null)
        {
            CrdConditions.Set(crd, CrdConditions.Established, "True", "InitialNamesAccepted", "the initial names have been accepted", now);
        }
        else
        {
            CrdConditions.Set(crd, CrdConditions.Established, "False", "NotAccepted", "not all names are accepted", now);
        }
    }

    private static string? EqualToAcceptedOrFresh(string requested, string accepted, HashSet<string> used) =>
        requested == accepted || !used.Contains(requested) ? null : $"\"{requested}\" is already in use";

    private static void Add(HashSet<string> set, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            set.Add(value);
        }
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.OfType<JsonValue>().Select(v => v.ToString())] : [];
}
