namespace FakeApiServer.Registry.ManagedFields;

/// <summary>A path from the object's root to one field or element, as structured-merge-diff's fieldpath.Path.</summary>
internal sealed class FieldPath : IEquatable<FieldPath>
{
    public static readonly FieldPath Root = new([]);

    private FieldPath(PathElement[] elements) => Elements = elements;

    public IReadOnlyList<PathElement> Elements { get; }

    public int Count => Elements.Count;

    /// <summary>A path of field names, e.g. <c>FieldPath.Of("spec", "replicas")</c>.</summary>
    public static FieldPath Of(params string[] fields) => new(fields.Select(PathElement.Field).ToArray());

    public static FieldPath Of(IEnumerable<PathElement> elements) => new(elements.ToArray());

    public FieldPath Append(PathElement element) => new([.. Elements, element]);

    public bool Equals(FieldPath? other) => other is not null && Elements.SequenceEqual(other.Elements);

    public override bool Equals(object? obj) => obj is FieldPath other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var element in Elements)
        {
            hash.Add(element);
        }

        return hash.ToHashCode();
    }

    /// <summary>Upstream's Path.String, as conflict messages and causes print it: <c>.spec.containers[name="app"].image</c>.</summary>
    public override string ToString() => string.Concat(Elements.Select(e => e.ToString()));
}
