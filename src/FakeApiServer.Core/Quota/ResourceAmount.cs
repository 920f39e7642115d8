using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;

namespace FakeApiServer.Quota;

/// <summary>
/// One resource quantity as quota arithmetic needs it (apimachinery's resource.Quantity): an exact decimal amount of
/// the base unit and the suffix format it prints with. A sum keeps the format of its first non-zero term, as
/// Quantity.Add does, so 64Mi + 64Mi prints 128Mi and 100m + 1 prints 1100m.
/// </summary>
internal readonly record struct ResourceAmount(decimal Value, ResourceQuantity.SuffixFormat Format)
{
    public static ResourceAmount Zero { get; } = new(0m, ResourceQuantity.SuffixFormat.DecimalSI);

    public static ResourceAmount One { get; } = new(1m, ResourceQuantity.SuffixFormat.DecimalSI);

    public static ResourceAmount Of(long count) => new(count, ResourceQuantity.SuffixFormat.DecimalSI);

    /// <summary>A quantity as written in an object (a string such as "100m" or a JSON number); null when unparsable.</summary>
    public static ResourceAmount? Parse(JsonNode? node)
    {
        if (node is not JsonValue v)
        {
            return null;
        }

        var text = v.GetValueKind() == JsonValueKind.Number ? v.ToJsonString() : v.TryGetValue(out string? s) ? s : null;
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            var quantity = new ResourceQuantity(text);
            return new ResourceAmount(quantity.ToDecimal(), quantity.Format);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public bool IsZero => Value == 0m;

    public ResourceAmount Add(ResourceAmount other) => new(Value + other.Value, IsZero ? other.Format : Format);

    public ResourceAmount Subtract(ResourceAmount other) => new(Value - other.Value, IsZero ? other.Format : Format);

    /// <summary>Quantity.Value(): the amount rounded up to a whole unit.</summary>
    public decimal WholeValue => decimal.Ceiling(Value);

    /// <summary>Quantity.MilliValue(): the amount in thousandths, rounded up.</summary>
    public decimal MilliValue => decimal.Ceiling(Value * 1000m);

    /// <summary>The canonical text (Quantity.String()).</summary>
    public override string ToString() => Value == 0m ? "0" : new ResourceQuantity(Value, 0, Format).CanonicalizeString();

    /// <summary>The canonical text as a JSON string value.</summary>
    public JsonNode ToJson() => JsonValue.Create(ToString());

    /// <summary>Invariant decimal text for messages that print a float (Go's %f: six decimals).</summary>
    public static string FormatRatio(double ratio) => ratio.ToString("F6", CultureInfo.InvariantCulture);
}
