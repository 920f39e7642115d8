namespace FakeApiServer.FaultInjection;

/// <summary>What a <see cref="FaultRule"/> sees of a request when deciding whether it applies.</summary>
/// <param name="Verb">The Kubernetes verb (get, list, watch, create, update, patch, delete, deletecollection; a non-resource request: the lowercase method).</param>
/// <param name="Group">The API group ("" for core).</param>
/// <param name="Resource">The resource, plural; "" for a non-resource request.</param>
/// <param name="Subresource">The subresource, or "".</param>
/// <param name="Namespace">The namespace, or "".</param>
/// <param name="Name">The object's name, or "".</param>
/// <param name="User">The user the request runs as.</param>
/// <param name="FieldManager">The fieldManager query parameter, or null.</param>
/// <param name="Path">The request's path.</param>
public sealed record FaultRequest(
    string Verb, string Group, string Resource, string Subresource, string Namespace, string Name, string User, string? FieldManager, string Path);
