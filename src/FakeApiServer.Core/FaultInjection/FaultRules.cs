using System.Globalization;

namespace FakeApiServer.FaultInjection;

/// <summary>
/// The faults a server injects (one set per server; the fixture's <c>cluster.Faults</c>, the admin API's
/// /fakeapiserver/v1/faults). Rules are tried in the order they were added; the first that applies to a request decides
/// what happens to it. With no rule, a request costs one array read.
/// </summary>
public sealed class FaultRules
{
    private readonly Lock _lock = new();
    private ActiveFault[] _active = [];
    private long _nextId;

    /// <summary>The rules in force, in the order they are tried.</summary>
    public IReadOnlyList<ActiveFault> Active => Volatile.Read(ref _active);

    /// <summary>Adds a rule (its ID is given here) and returns it in force; dispose that to remove it.</summary>
    /// <param name="rule">The rule.</param>
    /// <exception cref="ArgumentException">The rule has no action or an out-of-range value.</exception>
    public ActiveFault Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(rule));
        }

        lock (_lock)
        {
            var id = "fault-" + (++_nextId).ToString(CultureInfo.InvariantCulture);
            var active = new ActiveFault(this, rule with { Id = id });
            Volatile.Write(ref _active, [.. _active, active]);
            return active;
        }
    }

    /// <summary>Removes the rule with this ID; false when there is none.</summary>
    /// <param name="id">The rule's ID.</param>
    public bool Remove(string id)
    {
        lock (_lock)
        {
            var kept = _active.Where(a => a.Id != id).ToArray();
            var removed = kept.Length != _active.Length;
            Volatile.Write(ref _active, kept);
            return removed;
        }
    }

    /// <summary>Removes every rule.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            Volatile.Write(ref _active, []);
        }
    }

    /// <summary>The first rule that applies to the request (taking one of its times), or null.</summary>
    internal ActiveFault? Take(FaultRequest request)
    {
        foreach (var active in Volatile.Read(ref _active))
        {
            if (active.Rule.Matches(request) && active.TryTake(out var exhausted))
            {
                if (exhausted)
                {
                    Remove(active.Id);
                }

                return active;
            }
        }

        return null;
    }
}
