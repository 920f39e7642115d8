using System.Text.Json.Nodes;

namespace FakeApiServer.Registry.ManagedFields;

/// <summary>
/// A set of field paths, as structured-merge-diff's fieldpath.Set: a trie whose nodes hold the members (paths
/// that end there) and the children (paths that go deeper). It is what one manager owns, and what FieldsV1 encodes:
/// <c>{"f:spec":{"f:replicas":{}}}</c>, where an element that is both a member and a parent carries <c>".": {}</c>.
/// Operations return new sets; <see cref="Insert"/> is for building one. A node allocates its members and children
/// on first use: most nodes of a trie have only one of them, or (leaves below a parent's members) neither.
/// </summary>
internal sealed class FieldSet
{
    private HashSet<PathElement>? _members;
    private Dictionary<PathElement, FieldSet>? _children;

    /// <summary>No path at all (children are never kept empty).</summary>
    public bool IsEmpty => MemberCount == 0 && ChildCount == 0;

    /// <summary>The elements whose paths end here.</summary>
    public IReadOnlyCollection<PathElement> Members => (IReadOnlyCollection<PathElement>?)_members ?? [];

    /// <summary>The elements with deeper paths, each with the set below it.</summary>
    public IReadOnlyDictionary<PathElement, FieldSet> Children => (IReadOnlyDictionary<PathElement, FieldSet>?)_children ?? new Dictionary<PathElement, FieldSet>();

    private int MemberCount => _members?.Count ?? 0;

    private int ChildCount => _children?.Count ?? 0;

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
                node.AddMember(element);
                return;
            }

            var child = node.Child(element);
            if (child is null)
            {
                child = new FieldSet();
                (node._children ??= [])[element] = child;
            }

            node = child;
        }
    }

    public bool Has(FieldPath path)
    {
        FieldSet? node = this;
        for (var i = 0; i < path.Count; i++)
        {
            var element = path.Elements[i];
            if (i == path.Count - 1)
            {
                return node.HasMember(element);
            }

            node = node.Child(element);
            if (node is null)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>The set below one element, or null when no path goes through it.</summary>
    public FieldSet? Child(PathElement element) => _children is not null && _children.TryGetValue(element, out var child) ? child : null;

    /// <summary>Whether the field <paramref name="name"/> is a member here (as <c>Members.Contains(PathElement.Field(name))</c>).</summary>
    public bool HasMemberField(string name)
    {
        if (_members is not null)
        {
            foreach (var member in _members)
            {
                if (member.Kind == PathElementKind.Field && member.Name == name)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The set below the field <paramref name="name"/> (as <c>Child(PathElement.Field(name))</c>).</summary>
    public FieldSet? ChildField(string name)
    {
        if (_children is not null)
        {
            foreach (var (element, child) in _children)
            {
                if (element.Kind == PathElementKind.Field && element.Name == name)
                {
                    return child;
                }
            }
        }

        return null;
    }

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
        result.AddMembers(this, other, keep: false);
        if (_children is not null)
        {
            foreach (var (element, child) in _children)
            {
                var otherChild = other.Child(element);
                result.AddChild(element, otherChild is not null ? child.Difference(otherChild) : child.Copy());
            }
        }

        return result;
    }

    /// <summary>Whether some path is in both sets (exact paths, as <see cref="Intersection"/> compares them).</summary>
    public bool Overlaps(FieldSet other)
    {
        if (other._members is not null)
        {
            foreach (var member in other._members)
            {
                if (HasMember(member))
                {
                    return true;
                }
            }
        }

        if (other._children is not null)
        {
            foreach (var (element, child) in other._children)
            {
                if (Child(element) is { } mine && mine.Overlaps(child))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether every element of every path is a field (no list-map key, set value or index).</summary>
    public bool HasOnlyFields()
    {
        if (_members is not null)
        {
            foreach (var member in _members)
            {
                if (member.Kind != PathElementKind.Field)
                {
                    return false;
                }
            }
        }

        if (_children is not null)
        {
            foreach (var (element, child) in _children)
            {
                if (element.Kind != PathElementKind.Field || !child.HasOnlyFields())
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Whether every path of <paramref name="other"/> is in this set.</summary>
    public bool Contains(FieldSet other)
    {
        if (other._members is not null)
        {
            foreach (var member in other._members)
            {
                if (!HasMember(member))
                {
                    return false;
                }
            }
        }

        if (other._children is not null)
        {
            foreach (var (element, child) in other._children)
            {
                if (Child(element) is not { } mine || !mine.Contains(child))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>The paths of this set that have no prefix among the members of <paramref name="other"/> (upstream's RecursiveDifference).</summary>
    public FieldSet RecursiveDifference(FieldSet other)
    {
        var result = new FieldSet();
        result.AddMembers(this, other, keep: false);
        if (_children is not null)
        {
            foreach (var (element, child) in _children)
            {
                if (other.HasMember(element))
                {
                    continue;
                }

                var otherChild = other.Child(element);
                result.AddChild(element, otherChild is not null ? child.RecursiveDifference(otherChild) : child.Copy());
            }
        }

        return result;
    }

    public FieldSet Intersection(FieldSet other)
    {
        var result = new FieldSet();
        result.AddMembers(this, other, keep: true);
        if (_children is not null)
        {
            foreach (var (element, child) in _children)
            {
                if (other.Child(element) is { } otherChild)
                {
                    result.AddChild(element, child.Intersection(otherChild));
                }
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

            if (child.Count == 0)
            {
                // A leaf: its set below would be empty, and is not kept.
                set.AddMember(element);
                continue;
            }

            if (child.ContainsKey("."))
            {
                set.AddMember(element);
            }

            set.AddChild(element, FromFieldsV1(child));
        }

        return set;
    }

    /// <summary>The FieldsV1 JSON as kube-apiserver writes it (quotes in keys as \", not \u0022).</summary>
    public override string ToString() => PathElement.Compact(ToFieldsV1());

    private bool HasMember(PathElement element) => _members is not null && _members.Contains(element);

    private void AddMember(PathElement element) => (_members ??= []).Add(element);

    private JsonObject Encode(bool includeSelf)
    {
        var result = new JsonObject();
        if (includeSelf && !IsEmpty)
        {
            result["."] = new JsonObject();
        }

        foreach (var element in SortedElements())
        {
            var child = Child(element);
            result[element.Token] = child is null ? new JsonObject() : child.Encode(includeSelf: HasMember(element));
        }

        return result;
    }

    private IEnumerable<FieldPath> PathsUnder(FieldPath prefix)
    {
        foreach (var element in SortedElements())
        {
            var path = prefix.Append(element);
            if (HasMember(element))
            {
                yield return path;
            }

            if (Child(element) is { } child)
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
        if (other._members is { Count: > 0 } members)
        {
            (_members ??= []).UnionWith(members);
        }

        if (other._children is null)
        {
            return;
        }

        foreach (var (element, child) in other._children)
        {
            var mine = Child(element);
            if (mine is null)
            {
                mine = new FieldSet();
                (_children ??= [])[element] = mine;
            }

            mine.UnionWith(child);
        }
    }

    private void AddChild(PathElement element, FieldSet child)
    {
        if (!child.IsEmpty)
        {
            (_children ??= [])[element] = child;
        }
    }

    /// <summary>Adds the members of <paramref name="set"/> that are (<paramref name="keep"/>) or are not members of <paramref name="other"/>.</summary>
    private void AddMembers(FieldSet set, FieldSet other, bool keep)
    {
        if (set._members is null)
        {
            return;
        }

        foreach (var member in set._members)
        {
            if (other.HasMember(member) == keep)
            {
                AddMember(member);
            }
        }
    }

    /// <summary>
    /// Members and children, each element once, sorted as <c>Members.Union(Children.Keys).Order()</c> sorted them
    /// (a stable sort: elements that compare equal, such as v:1 and v:1.0, keep that order).
    /// </summary>
    private PathElement[] SortedElements()
    {
        var count = MemberCount + ChildCount;
        if (count == 0)
        {
            return [];
        }

        var elements = new PathElement[count];
        var n = 0;
        if (_members is not null)
        {
            foreach (var member in _members)
            {
                elements[n++] = member;
            }
        }

        if (_children is not null)
        {
            foreach (var element in _children.Keys)
            {
                if (!HasMember(element))
                {
                    elements[n++] = element;
                }
            }
        }

        if (n < count)
        {
            elements = elements[..n];
        }

        if (n > 16)
        {
            var order = new int[n];
            for (var i = 0; i < n; i++)
            {
                order[i] = i;
            }

            var unsorted = elements;
            Array.Sort(order, (a, b) =>
            {
                var byElement = unsorted[a].CompareTo(unsorted[b]);
                return byElement != 0 ? byElement : a.CompareTo(b);
            });
            elements = new PathElement[n];
            for (var i = 0; i < n; i++)
            {
                elements[i] = unsorted[order[i]];
            }
        }
        else
        {
            // Insertion sort: stable, and without allocations for the few elements of most nodes.
            for (var i = 1; i < n; i++)
            {
                var element = elements[i];
                var j = i - 1;
                while (j >= 0 && elements[j].CompareTo(element) > 0)
                {
                    elements[j + 1] = elements[j];
                    j--;
                }

                elements[j + 1] = element;
            }
        }

        return elements;
    }
}
