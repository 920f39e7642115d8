using System.Text.Json.Serialization;

namespace FakeApiServer.FaultInjection;

/// <summary>
/// A fault the server injects into the requests it matches: which requests (every criterion given must hold; null
/// matches anything), what happens to them (a latency, then a Status of any code, a dropped connection, or a watch
/// closed after some events, optionally with a 410 Expired ERROR event), and how often (the next <see cref="Times"/>
/// matches, a seeded <see cref="Probability"/>, or until removed). Added in .NET through <see cref="FaultRules"/>, or
/// as JSON through the admin API (POST /fakeapiserver/v1/faults, with --admin-api).
/// </summary>
public sealed record FaultRule
{
    /// <summary>The rule's ID, given by the server when it is added ("fault-1", ...); ignored when adding.</summary>
    public string? Id { get; init; }

    /// <summary>The Kubernetes verbs, comma-separated (e.g. "patch" or "create,update,patch"); null for any.</summary>
    public string? Verb { get; init; }

    /// <summary>The API group ("" for core, "apps"...); null for any.</summary>
    public string? Group { get; init; }

    /// <summary>The resource, plural (e.g. "deployments"); null for any.</summary>
    public string? Resource { get; init; }

    /// <summary>The subresource (e.g. "status"; "" for the object itself); null for any, so a rule on deployments also matches deployments/status.</summary>
    public string? Subresource { get; init; }

    /// <summary>The namespace; null for any.</summary>
    public string? Namespace { get; init; }

    /// <summary>The object's name; null for any.</summary>
    public string? Name { get; init; }

    /// <summary>The user the request runs as (after authentication and impersonation); null for any.</summary>
    public string? User { get; init; }

    /// <summary>The request's fieldManager query parameter; null for any.</summary>
    public string? FieldManager { get; init; }

    /// <summary>A further condition, from .NET only (not sent or shown by the admin API); null for none.</summary>
    [JsonIgnore]
    public Func<FaultRequest, bool>? When { get; init; }

    /// <summary>
    /// Answer with a Status of this code instead of serving the request, with upstream's reason and message for it
    /// (409 Conflict, 429 TooManyRequests with Retry-After, 500 InternalError, 503 ServiceUnavailable, 504 Timeout...).
    /// </summary>
    public int? StatusCode { get; init; }

    /// <summary>The Status message instead of upstream's (for 500 and 503: the error behind it); null for upstream's.</summary>
    public string? Message { get; init; }

    /// <summary>For a 429 (or 503, 504): the Retry-After header and details.retryAfterSeconds (429 default: 1).</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Wait this long on the server's clock before anything else (a fake clock must be advanced); then serve the request unless another action is given.</summary>
    public TimeSpan? Delay { get; init; }

    /// <summary>Drop the connection without an answer (the client sees a reset or an unexpected end of stream).</summary>
    public bool DropConnection { get; init; }

    /// <summary>For watches: close the stream after this many events were sent (0: at once, sending none).</summary>
    public int? CloseWatchAfterEvents { get; init; }

    /// <summary>For watches: end with an ERROR event holding a 410 Expired Status (too old resource version), after <see cref="CloseWatchAfterEvents"/> events (default 0).</summary>
    public bool ExpireWatch { get; init; }

    /// <summary>Apply to the next this many matching requests, then remove the rule; null for no limit.</summary>
    public int? Times { get; init; }

    /// <summary>Apply to a matching request with this probability (0 to 1), drawn from a generator seeded with <see cref="Seed"/>; null for always.</summary>
    public double? Probability { get; init; }

    /// <summary>The seed of <see cref="Probability"/>'s generator (0 when not given), so a run repeats.</summary>
    public int? Seed { get; init; }

    /// <summary>Whether the rule watches-only actions apply (it closes or expires watches).</summary>
    internal bool BreaksWatch => CloseWatchAfterEvents is not null || ExpireWatch;

    /// <summary>Why the rule cannot be used, or null when it can.</summary>
    internal string? Problem()
    {
        if (StatusCode is null && Delay is null && !DropConnection && !BreaksWatch)
        {
            return "a fault needs an action: statusCode, delay, dropConnection, closeWatchAfterEvents or expireWatch";
        }

        return StatusCode is < 100 or > 599 ? "statusCode must be between 100 and 599"
            : Delay < TimeSpan.Zero ? "delay must not be negative"
            : CloseWatchAfterEvents < 0 ? "closeWatchAfterEvents must not be negative"
            : Times <= 0 ? "times must be positive"
            : Probability is < 0 or > 1 ? "probability must be between 0 and 1"
            : RetryAfterSeconds < 0 ? "retryAfterSeconds must not be negative"
            : null;
    }

    /// <summary>Whether the request is one this rule is for (not counting <see cref="Times"/> or <see cref="Probability"/>).</summary>
    internal bool Matches(FaultRequest request) =>
        (Verb is null || Verb.Split(',', StringSplitOptions.TrimEntries).Contains(request.Verb, StringComparer.Ordinal))
        && (Group is null || Group == request.Group)
        && (Resource is null || Resource == request.Resource)
        && (Subresource is null || Subresource == request.Subresource)
        && (Namespace is null || Namespace == request.Namespace)
        && (Name is null || Name == request.Name)
        && (User is null || User == request.User)
        && (FieldManager is null || FieldManager == request.FieldManager)
        && (When is null || When(request));
}
