namespace FakeApiServer.FaultInjection;

/// <summary>
/// A <see cref="FaultRule"/> in force on a server: how often it applied and how many times it has left. Disposing it
/// removes the rule (<c>using var fault = cluster.Faults.Add(...)</c>).
/// </summary>
public sealed class ActiveFault : IDisposable
{
    private readonly FaultRules _owner;
    private readonly Random? _random;
    private readonly Lock _lock = new();
    private int _hits;
    private int? _remaining;
    private TaskCompletionSource _hit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal ActiveFault(FaultRules owner, FaultRule rule)
    {
        _owner = owner;
        Rule = rule;
        _remaining = rule.Times;
        _random = rule.Probability is null ? null : new Random(rule.Seed ?? 0);
    }

    /// <summary>The rule, with its ID.</summary>
    public FaultRule Rule { get; }

    /// <summary>The rule's ID.</summary>
    public string Id => Rule.Id!;

    /// <summary>How many requests the fault was injected into.</summary>
    public int Hits
    {
        get
        {
            lock (_lock)
            {
                return _hits;
            }
        }
    }

    /// <summary>How many more requests it applies to, or null for no limit.</summary>
    public int? Remaining
    {
        get
        {
            lock (_lock)
            {
                return _remaining;
            }
        }
    }

    /// <summary>
    /// Waits until the fault has been injected into <paramref name="hits"/> requests in all. A delay counts once its
    /// timer runs, so a test may then advance the clock past it.
    /// </summary>
    /// <param name="hits">The total wanted.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    public async Task WaitForHitsAsync(int hits, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task hit;
            lock (_lock)
            {
                if (_hits >= hits)
                {
                    return;
                }

                hit = _hit.Task;
            }

            await hit.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Removes the rule from its server (nothing when it is already gone).</summary>
    public void Dispose() => _owner.Remove(Id);

    /// <summary>The rule as it stands, <see cref="FaultRule.Times"/> being what is left (what the admin API shows).</summary>
    internal FaultRule Current()
    {
        lock (_lock)
        {
            return Rule with { Times = _remaining };
        }
    }

    /// <summary>Counts one request the fault took effect on (its delay's timer armed, or its answer about to be written).</summary>
    internal void Applied()
    {
        TaskCompletionSource hit;
        lock (_lock)
        {
            _hits++;
            hit = _hit;
            _hit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        hit.TrySetResult();
    }

    /// <summary>Whether the fault applies to a matching request: takes one of its times and draws its probability. Also says when its times ran out.</summary>
    internal bool TryTake(out bool exhausted)
    {
        lock (_lock)
        {
            exhausted = false;
            if (_remaining <= 0 || (_random is not null && _random.NextDouble() >= Rule.Probability))
            {
                return false;
            }

            if (_remaining is not null)
            {
                _remaining--;
                exhausted = _remaining == 0;
            }

            return true;
        }
    }
}
