using FakeApiServer.Api.Selectors;
using FakeApiServer.SimulatedContainers;

namespace FakeApiServer.Testing;

/// <summary>
/// Which simulated containers a rule of <see cref="FakeContainers"/> applies to: a namespace, a label selector over
/// the pods' labels (kubectl's syntax, e.g. "app=db,tier in (a,b)") and a container name; each is "any" when null.
/// </summary>
public sealed record ContainerSelector
{
    /// <summary>Every container of every pod.</summary>
    public static ContainerSelector All { get; } = new();

    /// <summary>The pods' namespace, or null for any.</summary>
    public string? Namespace { get; init; }

    /// <summary>A label selector the pods' labels must match, or null for any pod.</summary>
    public string? LabelSelector { get; init; }

    /// <summary>The container's name, or null for any container.</summary>
    public string? Container { get; init; }

    internal ContainerMatch ToMatch()
    {
        LabelSelector selector;
        try
        {
            selector = Api.Selectors.LabelSelector.Parse(LabelSelector);
        }
        catch (SelectorParseException e)
        {
            throw new ArgumentException($"invalid label selector \"{LabelSelector}\": {e.Message}", nameof(LabelSelector), e);
        }

        return new ContainerMatch(
            Namespace is null ? new HashSet<string>() : new HashSet<string>(StringComparer.Ordinal) { Namespace },
            selector,
            Container is null ? new HashSet<string>() : new HashSet<string>(StringComparer.Ordinal) { Container });
    }
}
