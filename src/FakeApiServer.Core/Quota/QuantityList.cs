using System.Text.Json.Nodes;

namespace FakeApiServer.Quota;

/// <summary>
/// A resource list (corev1.ResourceList) and the quota arithmetic on it (apiserver's pkg/quota/v1 resources.go):
/// names in ordinal order, so printing and comparing are stable.
/// </summary>
internal sealed class QuantityList : SortedDictionary<string, ResourceAmount>
{
    public QuantityList()
        : base(StringComparer.Ordinal)
    {
    }

    public QuantityList(IEnumerable<KeyValuePair<string, ResourceAmount>> items)
        : this()
    {
        foreach (var (name, amount) in items)
        {
            this[name] = amount;
        }
    }

    /// <summary>A list read from a JSON map; unparsable quantities are skipped (validation rejects them upstream).</summary>
    public static QuantityList Parse(JsonNode? node)
    {
        var list = new QuantityList();
        foreach (var (name, value) in node as JsonObject ?? [])
        {
            if (ResourceAmount.Parse(value) is { } amount)
            {
                list[name] = amount;
            }
        }

        return list;
    }

    public JsonObject ToJson()
    {
        var obj = new JsonObject();
        foreach (var (name, amount) in this)
        {
            obj[name] = amount.ToJson();
        }

        return obj;
    }

    /// <summary>quota.Add: every name of either list, summed.</summary>
    public QuantityList Plus(QuantityList other)
    {
        var result = new QuantityList(this);
        foreach (var (name, amount) in other)
        {
            result[name] = result.TryGetValue(name, out var mine) ? mine.Add(amount) : amount;
        }

        return result;
    }

    /// <summary>quota.SubtractWithNonNegativeResult: names of this list, less the other, never below zero.</summary>
    public QuantityList MinusNonNegative(QuantityList other)
    {
        var result = new QuantityList();
        foreach (var (name, amount) in this)
        {
            var difference = other.TryGetValue(name, out var theirs) ? amount.Subtract(theirs) : amount;
            result[name] = difference.Value < 0 ? ResourceAmount.Zero with { Format = amount.Format } : difference;
        }

        return result;
    }

    /// <summary>quota.Mask: only the given names.</summary>
    public QuantityList Mask(IEnumerable<string> names)
    {
        var result = new QuantityList();
        foreach (var name in names)
        {
            if (TryGetValue(name, out var amount))
            {
                result[name] = amount;
            }
        }

        return result;
    }

    /// <summary>quota.RemoveZeros.</summary>
    public QuantityList WithoutZeros() => new(this.Where(e => !e.Value.IsZero));

    /// <summary>quota.IsNegative: the names whose amount is below zero.</summary>
    public IReadOnlyList<string> Negative() => [.. this.Where(e => e.Value.Value < 0).Select(e => e.Key)];

    /// <summary>quota.LessThanOrEqual: whether every name of this list present in <paramref name="limits"/> is within it; the names over.</summary>
    public IReadOnlyList<string> Exceeding(QuantityList limits) =>
        [.. this.Where(e => limits.TryGetValue(e.Key, out var limit) && e.Value.Value > limit.Value).Select(e => e.Key)];

    /// <summary>quota.Equals: the same names with the same amounts.</summary>
    public bool SameAs(QuantityList other) =>
        Count == other.Count && this.All(e => other.TryGetValue(e.Key, out var theirs) && theirs.Value == e.Value.Value);

    /// <summary>The controller's prettyPrint: <c>name=amount</c> pairs in name order, comma-separated.</summary>
    public string Pretty() => string.Join(",", this.Select(e => e.Key + "=" + e.Value));
}
