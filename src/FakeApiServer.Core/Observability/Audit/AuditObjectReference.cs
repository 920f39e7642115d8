namespace FakeApiServer.Observability.Audit;

/// <summary>The object a request is about (audit.k8s.io/v1 ObjectReference); filled from the path, then from the request's object.</summary>
internal sealed class AuditObjectReference
{
    public string Resource { get; set; } = "";

    public string Namespace { get; set; } = "";

    public string Name { get; set; } = "";

    public string Uid { get; set; } = "";

    public string ApiGroup { get; set; } = "";

    public string ApiVersion { get; set; } = "";

    public string ResourceVersion { get; set; } = "";

    public string Subresource { get; set; } = "";
}
