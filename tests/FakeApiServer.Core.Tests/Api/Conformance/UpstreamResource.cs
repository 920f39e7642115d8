namespace FakeApiServer.Tests.Api.Conformance;

/// <summary>
/// One resource as kube-apiserver 1.33 serves it with its default --runtime-config: what `kubectl api-resources -o wide`
/// and the discovery documents show, and a valid object to write (JSON; null for a resource that stores nothing).
/// </summary>
/// <param name="Group">"" for the core group.</param>
/// <param name="Version">The version.</param>
/// <param name="Plural">The resource name.</param>
/// <param name="Kind">The kind.</param>
/// <param name="Namespaced">Whether the resource is namespaced.</param>
/// <param name="ShortNames">Short names, comma separated.</param>
/// <param name="Verbs">Verbs, comma separated, sorted.</param>
/// <param name="Subresources">Upstream's subresources, comma separated.</param>
/// <param name="Categories">Categories, comma separated.</param>
/// <param name="Sample">A valid object without apiVersion and kind (metadata.name is added), or null.</param>
/// <param name="NotServedYet">Upstream subresources this server does not serve yet, each with the issue that adds it.</param>
public sealed record UpstreamResource(
    string Group, string Version, string Plural, string Kind, bool Namespaced, string ShortNames, string Verbs, string Subresources,
    string Categories, string? Sample, string NotServedYet = "")
{
    public const string AllVerbs = "create,delete,deletecollection,get,list,patch,update,watch";

    public string GroupVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    public string CollectionPath(string ns) =>
        (Group.Length == 0 ? "api/v1" : $"apis/{Group}/{Version}") + (Namespaced ? $"/namespaces/{ns}" : "") + "/" + Plural;

    public static IReadOnlyList<string> List(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => Plural + "." + GroupVersion;
}
