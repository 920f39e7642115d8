namespace FakeApiServer.Storage;

/// <summary>
/// The objects of a snapshot in ordinal key order: a persistent B+tree. Leaves hold up to <see cref="MaxWidth"/>
/// (key, object) entries in one array, inner nodes up to as many children with the lowest key of each and the running
/// counts, so a lookup, a key's rank and a seek to a position are O(log n), and a range is read leaf array after leaf
/// array from one descent, at the same cost per object whatever the tree's size. A change copies the path to its leaf
/// and shares everything else with the tree it was made from; a tree never changes after it is built.
/// </summary>
internal sealed class ObjectTree
{
    /// <summary>The most entries in a leaf and children in an inner node.</summary>
    internal const int MaxWidth = 32;

    // Below this a node other than the root is merged with a sibling (and split again if the two are too many).
    private const int MinWidth = MaxWidth / 2;

    private readonly Node _root;

    private ObjectTree(Node root) => _root = root;

    /// <summary>The tree without objects.</summary>
    public static ObjectTree Empty { get; } = new(new Leaf([]));

    /// <summary>The number of objects.</summary>
    public int Count => _root.Count;

    /// <summary>
    /// A tree of <paramref name="ascending"/>, whose keys must be strictly ascending in ordinal order: built from the
    /// leaves up in one pass, every node full but the last few of each level, which share the remainder evenly.
    /// </summary>
    public static ObjectTree Build(IReadOnlyList<StoredObject> ascending)
    {
        if (ascending.Count == 0)
        {
            return Empty;
        }

        var level = new List<(Node Node, string Low)>((ascending.Count / MaxWidth) + 1);
        foreach (var (from, length) in Groups(ascending.Count))
        {
            var entries = new Entry[length];
            for (var i = 0; i < length; i++)
            {
                var stored = ascending[from + i];
                entries[i] = new Entry(stored.Key, stored);
            }

            level.Add((new Leaf(entries), entries[0].Key));
        }

        while (level.Count > 1)
        {
            var next = new List<(Node Node, string Low)>((level.Count / MaxWidth) + 1);
            foreach (var (from, length) in Groups(level.Count))
            {
                var children = new Node[length];
                var lows = new string[length];
                for (var i = 0; i < length; i++)
                {
                    (children[i], lows[i]) = level[from + i];
                }

                next.Add((new Inner(children, lows, Inner.EndsOf(children)), lows[0]));
            }

            level = next;
        }

        return new ObjectTree(level[0].Node);
    }

    /// <summary>The object stored under <paramref name="key"/>, or null.</summary>
    public StoredObject? Get(string key)
    {
        var node = _root;
        while (node is Inner inner)
        {
            node = inner.Children[inner.ChildFor(key)];
        }

        var leaf = (Leaf)node;
        var index = leaf.IndexOf(key);
        return index >= 0 ? leaf.Entries[index].Object : null;
    }

    /// <summary>The number of keys ordinally below <paramref name="key"/>; <paramref name="found"/> tells whether the key itself is stored.</summary>
    public int Rank(string key, out bool found)
    {
        var rank = 0;
        var node = _root;
        while (node is Inner inner)
        {
            var child = inner.ChildFor(key);
            rank += child > 0 ? inner.Ends[child - 1] : 0;
            node = inner.Children[child];
        }

        var index = ((Leaf)node).IndexOf(key);
        found = index >= 0;
        return rank + (found ? index : ~index);
    }

    /// <summary>The objects at positions <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive), in key order.</summary>
    public IEnumerable<StoredObject> Enumerate(int start, int end)
    {
        if (start < 0 || end > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"positions {start}..{end} are outside 0..{Count}");
        }

        return start < end ? EnumerateFrom(start, end - start) : [];
    }

    /// <summary>This tree with <paramref name="stored"/> under its key, added or replacing the object there.</summary>
    public ObjectTree Set(StoredObject stored)
    {
        var root = _root.Set(new Entry(stored.Key, stored), out var split, out var splitLow);
        return new ObjectTree(split is null ? root : new Inner([root, split], [string.Empty, splitLow!], [root.Count, root.Count + split.Count]));
    }

    /// <summary>This tree without <paramref name="key"/> (this same tree when the key is not stored).</summary>
    public ObjectTree Remove(string key)
    {
        var root = _root.Remove(key);
        if (ReferenceEquals(root, _root))
        {
            return this;
        }

        while (root is Inner { Children.Length: 1 } only)
        {
            root = only.Children[0];
        }

        return new ObjectTree(root);
    }

    // Splits count items into the fewest groups of at most MaxWidth, of sizes differing by at most one.
    private static IEnumerable<(int From, int Length)> Groups(int count)
    {
        var groups = (count + MaxWidth - 1) / MaxWidth;
        for (var g = 0; g < groups; g++)
        {
            var from = (int)((long)g * count / groups);
            var to = (int)((long)(g + 1) * count / groups);
            yield return (from, to - from);
        }
    }

    // One descent to position start, then leaf after leaf: the path kept on a stack is climbed only past a leaf's end.
    private IEnumerable<StoredObject> EnumerateFrom(int start, int count)
    {
        var path = new Stack<(Inner Node, int Child)>();
        var node = _root;
        var offset = start;
        while (node is Inner inner)
        {
            var child = inner.ChildAt(offset);
            offset -= child > 0 ? inner.Ends[child - 1] : 0;
            path.Push((inner, child));
            node = inner.Children[child];
        }

        var leaf = (Leaf)node;
        while (true)
        {
            var entries = leaf.Entries;
            for (var i = offset; i < entries.Length; i++)
            {
                yield return entries[i].Object;
                if (--count == 0)
                {
                    yield break;
                }
            }

            var (parent, index) = path.Pop();
            while (index + 1 == parent.Children.Length)
            {
                (parent, index) = path.Pop();
            }

            path.Push((parent, index + 1));
            node = parent.Children[index + 1];
            while (node is Inner down)
            {
                path.Push((down, 0));
                node = down.Children[0];
            }

            leaf = (Leaf)node;
            offset = 0;
        }
    }

    /// <summary>An object and its key, the key at hand for searches without reaching into the object.</summary>
    private readonly record struct Entry(string Key, StoredObject Object);

    private abstract class Node
    {
        /// <summary>The objects under this node.</summary>
        public abstract int Count { get; }

        /// <summary>The entries of a leaf, the children of an inner node.</summary>
        public abstract int Width { get; }

        /// <summary>This node with the entry set; when it overflows, its upper half as <paramref name="split"/>, whose lowest key is <paramref name="splitLow"/>.</summary>
        public abstract Node Set(Entry entry, out Node? split, out string? splitLow);

        /// <summary>This node without the key (this same node when the key is not under it); it may be left below <see cref="MinWidth"/>.</summary>
        public abstract Node Remove(string key);
    }

    private sealed class Leaf(Entry[] entries) : Node
    {
        public Entry[] Entries { get; } = entries;

        public override int Count => Entries.Length;

        public override int Width => Entries.Length;

        /// <summary>Two adjacent leaves as one, or as two halves when one would overflow (then <paramref name="splitLow"/> is the lowest key of the second).</summary>
        public static Leaf Join(Leaf left, Leaf right, out Leaf? split, out string? splitLow)
        {
            Entry[] all = [.. left.Entries, .. right.Entries];
            return Halve(all, out split, out splitLow);
        }

        /// <summary>The index of <paramref name="key"/>, or the bitwise complement of where it would go.</summary>
        public int IndexOf(string key)
        {
            var entries = Entries;
            int low = 0, high = entries.Length - 1;
            while (low <= high)
            {
                var mid = (low + high) >>> 1;
                var order = string.CompareOrdinal(entries[mid].Key, key);
                if (order == 0)
                {
                    return mid;
                }

                if (order < 0)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid - 1;
                }
            }

            return ~low;
        }

        public override Node Set(Entry entry, out Node? split, out string? splitLow)
        {
            var index = IndexOf(entry.Key);
            if (index >= 0)
            {
                var replaced = (Entry[])Entries.Clone();
                replaced[index] = entry;
                (split, splitLow) = (null, null);
                return new Leaf(replaced);
            }

            index = ~index;
            Entry[] grown = [.. Entries.AsSpan(0, index), entry, .. Entries.AsSpan(index)];
            var leaf = Halve(grown, out var upper, out splitLow);
            split = upper;
            return leaf;
        }

        public override Node Remove(string key)
        {
            var index = IndexOf(key);
            return index < 0 ? this : new Leaf([.. Entries.AsSpan(0, index), .. Entries.AsSpan(index + 1)]);
        }

        private static Leaf Halve(Entry[] all, out Leaf? split, out string? splitLow)
        {
            if (all.Length <= MaxWidth)
            {
                (split, splitLow) = (null, null);
                return new Leaf(all);
            }

            var half = all.Length / 2;
            split = new Leaf(all[half..]);
            splitLow = all[half].Key;
            return new Leaf(all[..half]);
        }
    }

    /// <summary>
    /// Children in key order; <c>Lows[i]</c> (i &gt; 0) is at or below every key under child i and above every key under
    /// child i - 1 (<c>Lows[0]</c> is not read); <c>Ends[i]</c> is the number of objects under children 0..i.
    /// </summary>
    private sealed class Inner(Node[] children, string[] lows, int[] ends) : Node
    {
        public Node[] Children { get; } = children;

        public string[] Lows { get; } = lows;

        public int[] Ends { get; } = ends;

        public override int Count => Ends[^1];

        public override int Width => Children.Length;

        public static int[] EndsOf(Node[] children)
        {
            var ends = new int[children.Length];
            var sum = 0;
            for (var i = 0; i < children.Length; i++)
            {
                sum += children[i].Count;
                ends[i] = sum;
            }

            return ends;
        }

        /// <summary>The child whose keys would include <paramref name="key"/>: the last one whose low is at or below it.</summary>
        public int ChildFor(string key)
        {
            var lows = Lows;
            int low = 1, high = lows.Length;
            while (low < high)
            {
                var mid = (low + high) >>> 1;
                if (string.CompareOrdinal(lows[mid], key) <= 0)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }

            return low - 1;
        }

        /// <summary>The child holding position <paramref name="offset"/> (below <see cref="Count"/>): the first whose end is above it.</summary>
        public int ChildAt(int offset)
        {
            var ends = Ends;
            int low = 0, high = ends.Length - 1;
            while (low < high)
            {
                var mid = (low + high) >>> 1;
                if (ends[mid] <= offset)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }

            return low;
        }

        public override Node Set(Entry entry, out Node? split, out string? splitLow)
        {
            var index = ChildFor(entry.Key);
            var old = Children[index];
            var updated = old.Set(entry, out var childSplit, out var childSplitLow);
            if (childSplit is null)
            {
                var children = (Node[])Children.Clone();
                children[index] = updated;
                (split, splitLow) = (null, null);
                return new Inner(children, Lows, updated.Count == old.Count ? Ends : Shift(Ends, index, updated.Count - old.Count));
            }

            Node[] grown = [.. Children.AsSpan(0, index), updated, childSplit, .. Children.AsSpan(index + 1)];
            string[] lows = [.. Lows.AsSpan(0, index + 1), childSplitLow!, .. Lows.AsSpan(index + 1)];
            return Halve(grown, lows, out split, out splitLow);
        }

        public override Node Remove(string key)
        {
            var index = ChildFor(key);
            var old = Children[index];
            var updated = old.Remove(key);
            if (ReferenceEquals(updated, old))
            {
                return this;
            }

            if (updated.Width >= MinWidth || Children.Length == 1)
            {
                var children = (Node[])Children.Clone();
                children[index] = updated;
                return new Inner(children, Lows, Shift(Ends, index, -1));
            }

            // Too narrow: joined with its right sibling (the left one for the last child), split again if too wide.
            var left = index + 1 < Children.Length ? index : index - 1;
            var (first, second) = left == index ? (updated, Children[index + 1]) : (Children[left], updated);
            var joined = Join(first, second, Lows[left + 1], out var split, out var splitLow);
            Node[] rest = split is null
                ? [.. Children.AsSpan(0, left), joined, .. Children.AsSpan(left + 2)]
                : [.. Children.AsSpan(0, left), joined, split, .. Children.AsSpan(left + 2)];
            string[] lows = split is null
                ? [.. Lows.AsSpan(0, left + 1), .. Lows.AsSpan(left + 2)]
                : [.. Lows.AsSpan(0, left + 1), splitLow!, .. Lows.AsSpan(left + 2)];
            return new Inner(rest, lows, EndsOf(rest));
        }

        // Two adjacent nodes of one level (separated by between) as one, or as two halves when one would overflow.
        private static Node Join(Node first, Node second, string between, out Node? split, out string? splitLow)
        {
            if (first is Leaf leftLeaf)
            {
                var leaf = Leaf.Join(leftLeaf, (Leaf)second, out var upper, out splitLow);
                split = upper;
                return leaf;
            }

            var (left, right) = ((Inner)first, (Inner)second);
            Node[] children = [.. left.Children, .. right.Children];
            string[] lows = [.. left.Lows, between, .. right.Lows.AsSpan(1)];
            return Halve(children, lows, out split, out splitLow);
        }

        private static Inner Halve(Node[] children, string[] lows, out Node? split, out string? splitLow)
        {
            if (children.Length <= MaxWidth)
            {
                (split, splitLow) = (null, null);
                return new Inner(children, lows, EndsOf(children));
            }

            var half = children.Length / 2;
            var upper = children[half..];
            split = new Inner(upper, lows[half..], EndsOf(upper));
            splitLow = lows[half];
            var lower = children[..half];
            return new Inner(lower, lows[..half], EndsOf(lower));
        }

        private static int[] Shift(int[] ends, int from, int delta)
        {
            var shifted = (int[])ends.Clone();
            for (var i = from; i < shifted.Length; i++)
            {
                shifted[i] += delta;
            }

            return shifted;
        }
    }
}
