namespace FakeApiServer.Schema;

/// <summary>Where the structural schema of a kind comes from: built-in model types, our own types, or a CRD.</summary>
internal interface ISchemaProvider
{
    /// <summary>
    /// The schema of one kind (group "" for the core group), whose root has apiVersion, kind, metadata and the
    /// kind's own fields; null when this provider does not know the kind. Must be cheap after the first call and
    /// safe to call concurrently; the result is immutable and may be shared.
    /// </summary>
    StructuralSchema? SchemaFor(string group, string version, string kind);
}
