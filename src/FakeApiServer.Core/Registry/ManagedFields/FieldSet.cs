using System.Text.Json.Nodes;

namespace FakeApiServer.Registry.ManagedFields;

/// <summary>
/// A set of field paths, as structured-merge-diff's fieldpath.Set: a trie whose nodes hold the members (paths
/// that end there) and the children (paths that go deeper). It is what one manager owns, and what FieldsV1 encodes:
/// <c>{"f:spec":{"f:replicas":{}}}</c>, where an element that is both a member and a parent carries <c>".": {}</c>.
/// Operations return new sets; <see cref="Insert"/> is for building one.
/// </summary>
internal sealed class FieldSet
{
    private readonly HashSet<PathElement> _members = [];
    private readonly Dictionary<PathElement, FieldSet> _children = [];

    /// <summary>No path at all (children are never kept empty).</summary>
    public bool IsEmpty => _members.Count == 0 && _children.Count == 0;

    /// <summary>The elements whose paths end here.</summary>
    public IReadOnlyCollection<PathElement> Members => _members;

    /// <summary>The elements with deeper paths, each with the set below it.</summary>
    public IReadOnlyDictionary<PathElement, FieldSet> Children => _children;

    public static FieldSet Of(params FieldPath[] paths)
    {
        var set = new FieldSet();
        foreach (var path in paths)
        {
            set.Insert(path);
        }

        return set;
    }

    /// <summary>Adds one path; the root path (no elements) is not a member of anything and is ignored.</summary>
    public void Insert(FieldPath path)
    {
        var node = this;
        for (var i = 0; i < path.Count; i++)
        {
            var element = path.Elements[i];
            if (i == path.Count - 1)
            {
                node._members.Add(element);
                return;
            }

            if (!node._children.TryGetValue(element, out var child))
            {
                child = new FieldSet();
                node._children[element] = child;
            }

            node = child;
        }
    }

    public bool Has(FieldPath path)
    {
        var node = this;
        for (var i = 0; i < path.Count; i++)
        {
            var element = path.Elements[i];
            if (i == path.Count - 1)
            {
                return node._members.Contains(element);
            }

            if (!node._children.TryGetValue(element, out node))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>The set below one element, or null when no path goes through it.</summary>
    public FieldSet? Child(PathElement element) => _children.GetValueOrDefault(element);

    /// <summary>Every member path, in upstream's order (depth first, elements sorted).</summary>
    public IEnumerable<FieldPath> Paths() => PathsUnder(FieldPath.Root);

    public FieldSet Union(FieldSet other)
    {
        var result = Copy();
        result.UnionWith(other);
        return result;
    }

    /// <summary>The paths of this set that are not in <paramref name="other"/> (exact paths; descendants stay).</summary>
    public FieldSet Difference(FieldSet other)
    {
        var result = new FieldSet();
        result._members.UnionWith(_members.Where(m => !other._members.Contains(m)));

        foreach (var (element, child) in _children)
        {
            var rest = other._children.TryGetValue(element, out var otherChild) ? child.Difference(otherChild) : child.Copy();
            result.AddChild(element, rest);
        }

        return result;
    }

    /// <summary>The paths of this set that have no prefix among the members of <paramref name="other"/> (upstream's RecursiveDifference).</summary>
    public FieldSet RecursiveDifference(FieldSet other)
    {
        var result = new FieldSet();
        result._members.UnionWith(_members.Where(m => !other._members.Contains(m)));

        foreach (var (element, child) in _children)
        {
            if (other._members.Contains(element))
            {
                continue;
            }

            result.AddChild(element, other._children.TryGetValue(element, out var otherChild) ? child.RecursiveDifference(otherChild) : child.Copy());
        }

        return result;
    }

    public FieldSet Intersection(FieldSet other)
    {
        var result = new FieldSet();
        result._members.UnionWith(_members.Where(other._members.Contains));

        foreach (var (element, child) in _children)
        {
            if (other._children.TryGetValue(element, out var otherChild))
            {
                result.AddChild(element, child.Intersection(otherChild));
            }
        }

        return result;
    }

    public FieldSet Copy()
    {
        var result = new FieldSet();
        result.UnionWith(this);
        return result;
    }

    /// <summary>
    /// The FieldsV1 encoding, written as upstream's serializer writes it: elements sorted (fields, then keys, then
    /// values, then indexes), a leaf as <c>{}</c>, an element that is also a parent with <c>".": {}</c> first.
    /// </summary>
    public JsonObject ToFieldsV1() => Encode(includeSelf: false);

    /// <summary>Decodes FieldsV1; null or <c>{}</c> is the empty set. Throws <see cref="FormatException"/> on a malformed one.</summary>
    public static FieldSet FromFieldsV1(JsonNode? fields)
    {
        var set = new FieldSet();
        if (fields is null)
        {
            return set;
        }

        if (fields is not JsonObject obj)
        {
            throw new FormatException("FieldsV1 must be a JSON object");
        }

        foreach (var (token, value) in obj)
        {
            if (token == ".")
            {
                continue;
            }

            var element = PathElement.Parse(token) ?? throw new FormatException($"invalid FieldsV1 path element \"{token}\"");
            if (value is not JsonObject child)
            {
                throw new FormatException($"the value of \"{token}\" must be a JSON object");
            }

            if (child.Count == 0 || child.ContainsKey("."))
            {
                set._members.Add(element);
            }

            set.AddChild(element, FromFieldsV1(child));
        }

        return set;
    }

    /// <summary>The FieldsV1 JSON as kube-apiserver writes it (quotes in keys as \", not \u0022).</summary>
    public override string ToString() => PathElement.Compact(ToFieldsV1());

    private JsonObject Encode(bool includeSelf)
    {
        var result = new JsonObject();
        if (includeSelf && !IsEmpty)
        {
            result["."] = new JsonObject();
        }

        foreach (var element in _members.Union(_children.Keys).Distinct().Order())
        {
            var child = _children.GetValueOrDefault(element);
            result[element.Token] = child is null ? new JsonObject() : child.Encode(includeSelf: _members.Contains(element));
        }

        return result;
    }

    private IEnumerable<FieldPath> PathsUnder(FieldPath prefix)
    {
        foreach (var element in _members.Union(_children.Keys).Distinct().Order())
        {
            var path = prefix.Append(element);
            if (_members.Contains(element))
            {
                yield return path;
            }

            if (_children.TryGetValue(element, out var child))
            {
                foreach (var deeper in child.PathsUnder(path))
                {
                    yield return deeper;
                }
            }
        }
    }

    private void UnionWith(FieldSet other)
    {
        _members.UnionWith(other._members);
        foreach (var (element, child) in other._children)
        {
            if (!_children.TryGetValue(element, out var mine))
            {
                mine = new FieldSet();
                _children[element] = mine;
            }

            mine.UnionWith(child);
        }
    }

    private void AddChild(PathElement element, FieldSet child)
    {
        if (!child.IsEmpty)
        {
            _children[element] = child;
        }
    }
}
