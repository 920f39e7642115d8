namespace FakeApiServer.Security.Authorization;

/// <summary>
/// What a request asks to do, as upstream's authorizer.Attributes: who, which verb, and either a resource (API group,
/// namespace, resource, subresource, name) or a non-resource path. The request filters, the reviews and the RBAC
/// registry's escalation checks all ask the authorizer with these.
/// </summary>
internal sealed record AuthorizationAttributes(UserInfo User, string Verb)
{
    /// <summary>Whether a resource is named (false: a non-resource path such as /healthz or /apis).</summary>
    public bool IsResourceRequest { get; init; }

    public string Namespace { get; init; } = "";

    public string ApiGroup { get; init; } = "";

    public string ApiVersion { get; init; } = "";

    public string Resource { get; init; } = "";

    public string Subresource { get; init; } = "";

    public string Name { get; init; } = "";

    /// <summary>The request path of a non-resource request.</summary>
    public string Path { get; init; } = "";

    /// <summary>A resource request.</summary>
    public static AuthorizationAttributes ForResource(
        UserInfo user, string verb, string group, string resource, string ns = "", string name = "", string subresource = "", string version = "") =>
        new(user, verb) { IsResourceRequest = true, ApiGroup = group, ApiVersion = version, Resource = resource, Namespace = ns, Name = name, Subresource = subresource };

    /// <summary>A non-resource request.</summary>
    public static AuthorizationAttributes ForPath(UserInfo user, string verb, string path) => new(user, verb) { Path = path };
}
