using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Subresources;

/// <summary>Serves one verb of a subresource; the router has resolved the object's path and checked the verb.</summary>
internal delegate Task SubresourceVerb(HttpContext context, ResourceRequest request);

/// <summary>
/// One subresource of a resource ({resource}/{name}/{subresource}), registered by name in
/// <see cref="ResourceDefinition.Subresources"/>: the router serves it, discovery and OpenAPI list it, from this alone.
/// A request whose verb is not in <see cref="Verbs"/> is refused with a 405 Status.
/// </summary>
internal sealed record SubresourceHandler
{
    /// <summary>The Kubernetes verbs it serves (get, create, update, patch, ...), each with its handler; discovery lists the keys.</summary>
    public required IReadOnlyDictionary<string, SubresourceVerb> Verbs { get; init; }

    /// <summary>The kind it reads and writes, as discovery shows it; null when it is the resource's own kind (status).</summary>
    public GroupVersionKind? Kind { get; init; }

    /// <summary>
    /// The strategy that governs writes through it when it writes the object itself (status, finalize, approval), or
    /// null; the registry applies it, and controllers that write the same subresource use it too.
    /// </summary>
    public IResourceStrategy? Strategy { get; init; }

    /// <summary>Where a /scale subresource reads and writes the replicas (the HPA controller scales through it), or null.</summary>
    public ScaleSubresource? ScalePaths { get; init; }
}
