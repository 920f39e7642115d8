using System.Collections.Immutable;

namespace FakeApiServer.Features;

/// <summary>
/// The feature gates of one server: the gate table (<see cref="Specs"/>) and which gates are on. Immutable and
/// injected, unlike Kubernetes' global mutable gate. Parsed from --feature-gates in the upstream syntax
/// ("Name=true,Other=false") with component-base's messages, so a bad value reads as kube-apiserver's does.
/// </summary>
public sealed class FeatureGates
{
    /// <summary>The gates this server knows (the gate table), as kube_features.go declares them.</summary>
    public static IReadOnlyList<FeatureSpec> Known { get; } =
    [
        new(FeatureName.MultiNetwork, FeatureStage.Alpha, Default: false),
    ];

    private readonly ImmutableDictionary<string, FeatureSpec> _specs;
    private readonly ImmutableDictionary<string, bool> _enabled;

    private FeatureGates(ImmutableDictionary<string, FeatureSpec> specs, ImmutableDictionary<string, bool> enabled)
    {
        _specs = specs;
        _enabled = enabled;
    }

    /// <summary>The server's gates, every one at its default.</summary>
    public static FeatureGates Default { get; } = For(Known);

    /// <summary>The gate table, sorted by name.</summary>
    public IReadOnlyList<FeatureSpec> Specs => [.. _specs.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];

    /// <summary>Gates over another table, every one at its default (tests of the table's rules).</summary>
    public static FeatureGates For(IEnumerable<FeatureSpec> specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        var table = specs.ToImmutableDictionary(s => s.Name, StringComparer.Ordinal);
        return new FeatureGates(table, table.ToImmutableDictionary(s => s.Key, s => s.Value.Default, StringComparer.Ordinal));
    }

    /// <summary>Whether a gate is on; an unknown name is a programming error.</summary>
    public bool Enabled(string name) =>
        _enabled.TryGetValue(name, out var on) ? on : throw new ArgumentException(Unrecognized(name), nameof(name));

    /// <summary>A copy with one gate set; throws <see cref="ArgumentException"/> with upstream's message for an unknown or locked gate.</summary>
    public FeatureGates With(string name, bool enabled) =>
        Refusal(name, enabled) is { } refusal
            ? throw new ArgumentException(refusal, nameof(name))
            : new FeatureGates(_specs, _enabled.SetItem(name, enabled));

    /// <summary>Parses "A=true,B=false" over the server's table; throws FormatException with upstream's wording on bad input.</summary>
    public static FeatureGates Parse(string? text) => Default.Set(text);

    /// <summary>
    /// This gate set with "A=true,B=false" applied, as featureGate.Set: values are Go booleans (true, 1, t, T, TRUE,
    /// True and their false forms); throws FormatException with upstream's wording on bad input.
    /// </summary>
    public FeatureGates Set(string? text)
    {
        var gates = this;
        if (string.IsNullOrWhiteSpace(text))
        {
            return gates;
        }

        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = item.Split('=', 2);
            var name = parts[0].Trim();
            if (parts.Length != 2)
            {
                throw new FormatException($"missing bool value for {name}");
            }

            var value = parts[1].Trim();
            if (ParseGoBool(value) is not { } on)
            {
                throw new FormatException($"invalid value of {name}={value}, err: strconv.ParseBool: parsing \"{value}\": invalid syntax");
            }

            gates = gates.Refusal(name, on) is { } refusal ? throw new FormatException(refusal) : gates.With(name, on);
        }

        return gates;
    }

    /// <summary>"A=true,B=false" for every gate, sorted by name.</summary>
    public override string ToString() =>
        string.Join(",", _enabled.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={GoBool(p.Value)}"));

    /// <summary>Why a gate cannot be set to a value (upstream's message), or null when it can.</summary>
    private string? Refusal(string name, bool enabled) => _specs.TryGetValue(name, out var spec)
        ? spec.LockToDefault && enabled != spec.Default
            ? $"cannot set feature gate {name} to {GoBool(enabled)}, feature is locked to {GoBool(spec.Default)}"
            : null
        : Unrecognized(name);

    private static string Unrecognized(string name) => $"unrecognized feature gate: {name}";

    private static string GoBool(bool value) => value ? "true" : "false";

    /// <summary>Go's strconv.ParseBool.</summary>
    private static bool? ParseGoBool(string value) => value switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => null,
    };
}

/// <summary>The names of the feature gates.</summary>
public static class FeatureName
{
    /// <summary>KEP-3698 multi-network: pod networks (spec.networks, labelled status.podIPs) and the PodNetwork admission, controllers and scheduling.</summary>
    public const string MultiNetwork = "MultiNetwork";
}
