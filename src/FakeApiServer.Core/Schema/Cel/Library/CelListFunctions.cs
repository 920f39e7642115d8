namespace FakeApiServer.Schema.Cel.Library;

/// <summary>
/// Kubernetes' lists library beyond sum/min/max/isSorted/indexOf (<c>lastIndexOf</c>), cel-go's list extension
/// (<c>flatten</c>, <c>slice</c>, <c>distinct</c>, <c>reverse</c>, <c>sort</c>, <c>lists.range</c>) and the sets
/// extension (<c>sets.contains</c>, <c>sets.equivalent</c>, <c>sets.intersects</c>).
/// </summary>
internal static class CelListFunctions
{
    public static bool TryCall(string function, object? target, IReadOnlyList<object> args, out object result)
    {
        result = CelNull.Value;
        switch (function, target, args.Count)
        {
            case ("lastIndexOf", IReadOnlyList<object> list, 1):
                result = (long)LastIndexOf(list, args[0]);
                return true;
            case ("flatten", IReadOnlyList<object> list, 0):
                result = Flatten(list, 1);
                return true;
            case ("flatten", IReadOnlyList<object> list, 1) when args[0] is long depth:
                result = depth < 0 ? throw new CelEvaluationException("level must be non-negative") : Flatten(list, depth);
                return true;
            case ("slice", IReadOnlyList<object> list, 2) when args[0] is long from && args[1] is long to:
                result = from < 0 || to < 0 ? throw new CelEvaluationException($"cannot slice({from}, {to}), negative indexes not supported")
                    : from > to ? throw new CelEvaluationException($"cannot slice({from}, {to}), start index must be less than or equal to end index")
                    : to > list.Count ? throw new CelEvaluationException($"cannot slice({from}, {to}), list is length {list.Count}")
                    : list.Skip((int)from).Take((int)(to - from)).ToList();
                return true;
            case ("distinct", IReadOnlyList<object> list, 0):
                var distinct = new List<object>();
                foreach (var item in list.Where(item => !distinct.Any(d => CelOperators.ValueEquals(d, item))))
                {
                    distinct.Add(item);
                }

                result = distinct;
                return true;
            case ("reverse", IReadOnlyList<object> list, 0):
                result = list.Reverse().ToList();
                return true;
            case ("sort", IReadOnlyList<object> list, 0):
                var sorted = list.ToList();
                sorted.Sort((a, b) => CelOperators.Compare(a, b, "sort"));
                result = sorted;
                return true;
            case ("lists.range", null, 1) when args[0] is long n:
                result = Enumerable.Range(0, (int)Math.Clamp(n, 0, int.MaxValue)).Select(i => (object)(long)i).ToList();
                return true;
            case ("sets.contains", null, 2) when args[0] is IReadOnlyList<object> a && args[1] is IReadOnlyList<object> b:
                result = Contains(a, b);
                return true;
            case ("sets.equivalent", null, 2) when args[0] is IReadOnlyList<object> a && args[1] is IReadOnlyList<object> b:
                result = Contains(a, b) && Contains(b, a);
                return true;
            case ("sets.intersects", null, 2) when args[0] is IReadOnlyList<object> a && args[1] is IReadOnlyList<object> b:
                result = b.Any(x => a.Any(y => CelOperators.ValueEquals(x, y)));
                return true;
            default:
                return false;
        }
    }

    private static bool Contains(IReadOnlyList<object> set, IReadOnlyList<object> subset) =>
        subset.All(x => set.Any(y => CelOperators.ValueEquals(x, y)));

    private static int LastIndexOf(IReadOnlyList<object> list, object value)
    {
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (CelOperators.ValueEquals(list[i], value))
            {
                return i;
            }
        }

        return -1;
    }

    private static List<object> Flatten(IReadOnlyList<object> list, long depth)
    {
        var flat = new List<object>();
        foreach (var item in list)
        {
            if (depth > 0 && item is IReadOnlyList<object> inner)
            {
                flat.AddRange(Flatten(inner, depth - 1));
            }
            else
            {
                flat.Add(item);
            }
        }

        return flat;
    }
}
