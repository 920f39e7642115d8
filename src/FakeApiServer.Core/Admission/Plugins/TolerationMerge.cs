using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// Upstream's tolerations.MergeTolerations: the union of two toleration lists without the redundant ones (a
/// toleration another one in the result already covers), the first occurrence kept when two are equal.
/// </summary>
internal static class TolerationMerge
{
    public static JsonArray Merge(IEnumerable<JsonObject> first, IEnumerable<JsonObject> second)
    {
        var all = first.Concat(second).ToList();
        var merged = new List<JsonObject>();
        for (var i = 0; i < all.Count; i++)
        {
            var t = all[i];
            if (merged.Any(m => Covers(m, t)))
            {
                continue;
            }

            if (all.Skip(i + 1).Any(later => !JsonNode.DeepEquals(t, later) && Covers(later, t)))
            {
                continue;
            }

            merged.Add(t);
        }

        return new JsonArray([.. merged.Select(t => (JsonNode?)t.DeepClone())]);
    }

    /// <summary>Whether toleration <paramref name="wide"/> tolerates everything <paramref name="t"/> does (upstream's isSuperset).</summary>
    private static bool Covers(JsonObject wide, JsonObject t)
    {
        if (JsonNode.DeepEquals(wide, t))
        {
            return true;
        }

        var wideKey = wide.GetString("key") ?? "";
        var wideOperator = wide.GetString("operator") ?? "";
        if ((t.GetString("key") ?? "") != wideKey && (wideKey.Length > 0 || wideOperator != "Exists"))
        {
            return false;
        }

        var wideEffect = wide.GetString("effect") ?? "";
        if ((t.GetString("effect") ?? "") != wideEffect && wideEffect.Length > 0)
        {
            return false;
        }

        if (wideEffect == "NoExecute" && wide.GetInt64("tolerationSeconds") is { } wideSeconds
            && (t.GetInt64("tolerationSeconds") is not { } seconds || seconds > wideSeconds))
        {
            return false;
        }

        return wideOperator switch
        {
            "Equal" or "" => t.GetString("operator") == "Equal" && (t.GetString("value") ?? "") == (wide.GetString("value") ?? ""),
            "Exists" => true,
            _ => false,
        };
    }
}
