using System.Collections.Immutable;

namespace FakeApiServer.Features;

/// <summary>
/// The feature gates of one server, immutable and injected (unlike Kubernetes' global mutable gate).
/// Parsed from --feature-gates in the upstream syntax: "Name=true,Other=false".
/// </summary>
public sealed class FeatureGates
{
    /// <summary>The gates this server knows, with their defaults.</summary>
    private static readonly ImmutableDictionary<string, bool> Known = ImmutableDictionary.CreateRange(StringComparer.Ordinal,
    [
        new KeyValuePair<string, bool>(FeatureName.MultiNetwork, false),
    ]);

    private readonly ImmutableDictionary<string, bool> _enabled;

    private FeatureGates(ImmutableDictionary<string, bool> enabled) => _enabled = enabled;

    /// <summary>Every gate at its default.</summary>
    public static FeatureGates Default { get; } = new(Known);

    /// <summary>Whether a gate is on.</summary>
    public bool Enabled(string name) => _enabled.TryGetValue(name, out var on) ? on : throw new ArgumentException($"unrecognized feature gate: {name}", nameof(name));

    /// <summary>A copy with one gate set.</summary>
    public FeatureGates With(string name, bool enabled) =>
        Known.ContainsKey(name) ? new FeatureGates(_enabled.SetItem(name, enabled)) : throw new ArgumentException($"unrecognized feature gate: {name}", nameof(name));

    /// <summary>Parses "A=true,B=false"; throws FormatException with upstream's wording on bad input.</summary>
    public static FeatureGates Parse(string? text)
    {
        var gates = Default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return gates;
        }

        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('=', 2);
            if (parts.Length != 2)
            {
                throw new FormatException($"missing bool value for {item}");
            }

            if (!Known.ContainsKey(parts[0]))
            {
                throw new FormatException($"unrecognized feature gate: {parts[0]}");
            }

            if (!bool.TryParse(parts[1], out var on))
            {
                throw new FormatException($"invalid value of {parts[0]}={parts[1]}, err: strconv.ParseBool: parsing \"{parts[1]}\": invalid syntax");
            }

            gates = gates.With(parts[0], on);
        }

        return gates;
    }

    public override string ToString() => string.Join(",", _enabled.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={(p.Value ? "true" : "false")}"));
}

/// <summary>The names of the feature gates.</summary>
public static class FeatureName
{
    /// <summary>KEP-3698 multi-network: networking.k8s.io/v1alpha1 PodNetwork and PodNetworkAttachment, pod networks.</summary>
    public const string MultiNetwork = "MultiNetwork";
}
