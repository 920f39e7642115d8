namespace FakeApiServer.Observability.Audit;

/// <summary>
/// The resources of one API group a rule names (audit.k8s.io/v1 GroupResources): "pods", "pods/log" (a subresource),
/// "pods/*" (the resource and its subresources), "*/scale" (that subresource of any resource), "*"; resourceNames
/// narrows them to objects of those names.
/// </summary>
internal sealed record AuditGroupResources
{
    /// <summary>The API group; "" is the core group, "*" any group.</summary>
    public string Group { get; init; } = "";

    public IReadOnlyList<string> Resources { get; init; } = [];

    public IReadOnlyList<string> ResourceNames { get; init; } = [];

    public bool Matches(AuditAttributes request)
    {
        if (Group != request.Group && Group != "*")
        {
            return false;
        }

        if (Resources.Count == 0)
        {
            return true;
        }

        if (ResourceNames.Count > 0 && !ResourceNames.Contains(request.Name))
        {
            return false;
        }

        var combined = request.Subresource.Length > 0 ? request.Resource + "/" + request.Subresource : request.Resource;
        return Resources.Any(resource =>
            resource == combined
            || resource == "*"
            || (request.Subresource.Length > 0 && resource.StartsWith("*/", StringComparison.Ordinal) && request.Subresource == resource[2..])
            || (resource.EndsWith("/*", StringComparison.Ordinal) && request.Resource == resource[..^2]));
    }
}
