namespace FakeApiServer.Load.Harness;

/// <summary>
/// How requests are injected. Closed: <see cref="Users"/> concurrent users each loop step after step, so the rate
/// adapts to the server. Open: a constant arrival rate, whatever the server does; each request's latency is measured
/// from its intended start time, so a stalled server is charged for every request that should have started
/// (no coordinated omission).
/// </summary>
/// <param name="Users">Concurrent users (closed), or the most requests in flight (open).</param>
/// <param name="RatePerSecond">Arrivals per second for the open model; null for the closed model.</param>
internal sealed record LoadModel(int Users, double? RatePerSecond)
{
    /// <summary>N users looping.</summary>
    public static LoadModel Closed(int users) => new(users, null);

    /// <summary>A constant arrival rate with at most <paramref name="maxInFlight"/> requests outstanding.</summary>
    public static LoadModel Open(double ratePerSecond, int maxInFlight = 10_000) => new(maxInFlight, ratePerSecond);

    /// <summary>Whether this is the open (constant arrival rate) model.</summary>
    public bool IsOpen => RatePerSecond is not null;

    /// <inheritdoc/>
    public override string ToString() => IsOpen
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"open {RatePerSecond:0.#}/s")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"closed {Users} users");
}
