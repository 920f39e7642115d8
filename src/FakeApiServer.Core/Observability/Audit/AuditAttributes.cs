namespace FakeApiServer.Observability.Audit;

/// <summary>What a policy rule is matched against: the authenticated user (before impersonation) and the request's attributes, as authorization sees them.</summary>
internal sealed record AuditAttributes
{
    public required string User { get; init; }

    public required IReadOnlyList<string> Groups { get; init; }

    public required string Verb { get; init; }

    public required bool IsResourceRequest { get; init; }

    /// <summary>The path (non-resource requests).</summary>
    public string Path { get; init; } = "/";

    public string Namespace { get; init; } = "";

    public string Group { get; init; } = "";

    public string Resource { get; init; } = "";

    public string Subresource { get; init; } = "";

    public string Name { get; init; } = "";
}
