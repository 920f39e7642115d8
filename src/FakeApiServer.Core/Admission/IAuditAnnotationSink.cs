namespace FakeApiServer.Admission;

/// <summary>
/// Where admission plugins put annotations for the request's audit event (upstream's
/// admission.Attributes.AddAnnotation, e.g. pod-security.kubernetes.io/enforce-policy). The HTTP request's warning sink
/// is also its annotation sink; the server's own writes have none.
/// </summary>
internal interface IAuditAnnotationSink
{
    /// <summary>Adds an annotation; a key already set keeps its first value.</summary>
    void AddAnnotation(string key, string value);
}
