namespace FakeApiServer.Api;

/// <summary>
/// What a resource path names, parsed as upstream's RequestInfoFactory does:
/// /api/v1[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]] and the same under /apis/{group}/{version}.
/// </summary>
internal sealed record RequestInfo(string Group, string Version, string Namespace, string Resource, string Name, string Subresource)
{
    /// <summary>Subresources of namespaces that follow /namespaces/{name} (so not a namespaced resource).</summary>
    private static readonly HashSet<string> NamespaceSubresources = ["status", "finalize"];

    /// <summary>Parses the segments after the group/version; null when they do not name a resource.</summary>
    public static RequestInfo? Parse(string group, string version, IReadOnlyList<string> parts)
    {
        if (parts.Count == 0)
        {
            return null;
        }

        var ns = "";
        var rest = parts;
        if (parts[0] == "namespaces" && parts.Count > 2 && !NamespaceSubresources.Contains(parts[2]))
        {
            ns = parts[1];
            rest = parts.Skip(2).ToArray();
        }

        return rest.Count switch
        {
            1 => new RequestInfo(group, version, ns, rest[0], "", ""),
            2 => new RequestInfo(group, version, ns, rest[0], rest[1], ""),
            3 => new RequestInfo(group, version, ns, rest[0], rest[1], rest[2]),
            _ => null,
        };
    }
}
