namespace FakeApiServer.Observability;

/// <summary>
/// One request the server answered, as <see cref="RequestFeed"/> hands it to observers (request log, metrics, audit,
/// the fixture's recording, the console): who asked for what, the answer's status code, when and how long it took.
/// </summary>
public sealed record CompletedRequest
{
    public required string AuditId { get; init; }

    /// <summary>The HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>The path as sent.</summary>
    public required string Path { get; init; }

    /// <summary>The query string as sent, with its leading '?' ("" when none).</summary>
    public required string Query { get; init; }

    /// <summary>The Kubernetes verb (get, list, watch, create, update, patch, delete, deletecollection; the lowercase method of a non-resource request).</summary>
    public required string Verb { get; init; }

    /// <summary>Whether the path names a resource (false: discovery, OpenAPI, /version, health, /metrics...).</summary>
    public required bool IsResourceRequest { get; init; }

    public required string Group { get; init; }

    public required string Version { get; init; }

    public required string Resource { get; init; }

    public required string Subresource { get; init; }

    public required string Namespace { get; init; }

    public required string Name { get; init; }

    /// <summary>The user the request ran as (after authentication and impersonation); the unsecured user when authentication is off.</summary>
    public required string User { get; init; }

    public required IReadOnlyList<string> Groups { get; init; }

    public required string UserAgent { get; init; }

    /// <summary>The request's Content-Type ("" when none): a PATCH of application/apply-patch+yaml is an apply.</summary>
    public string RequestContentType { get; init; } = "";

    public required int StatusCode { get; init; }

    /// <summary>When the request arrived, by the server's clock.</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>From arrival to the end of the response, by the server's clock.</summary>
    public required TimeSpan Latency { get; init; }

    /// <summary>The events a watch sent (0 for other requests).</summary>
    public required long WatchEvents { get; init; }

    /// <summary>The response's Content-Length when it had one, else null (chunked: lists written as they go, watches, streams).</summary>
    public long? ResponseBytes { get; init; }
}
