namespace FakeApiServer.Api;

/// <summary>
/// What a resource path names, parsed as upstream's RequestInfoFactory does:
/// /api/v1[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]] and the same under /apis/{group}/{version}.
/// </summary>
internal sealed record RequestInfo(string Group, string Version, string Namespace, string Resource, string Name, string Subresource)
{
    /// <summary>Subresources of namespaces that follow /namespaces/{name} (so not a namespaced resource).</summary>
    private static readonly HashSet<string> NamespaceSubresources = ["status", "finalize"];

    /// <summary>
    /// What authorization reads from the segments after the group/version, as upstream's RequestInfoFactory: segments
    /// beyond resource/name/subresource are ignored (pods/x/proxy/a/b is the proxy subresource), and a namespace's own
    /// path (/namespaces/{name}[/status]) is in that namespace. Null when no resource is named.
    /// </summary>
    public static RequestInfo? ParseForAuthorization(string group, string version, IReadOnlyList<string> parts)
    {
        var interpreted = parts.Count > 2 && parts[0] == "namespaces" && !NamespaceSubresources.Contains(parts[2]) ? 5 : 3;
        var info = Parse(group, version, parts.Take(interpreted).ToArray());
        return info is { Resource: "namespaces", Namespace: "", Name.Length: > 0 } ? info with { Namespace = info.Name } : info;
    }

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
