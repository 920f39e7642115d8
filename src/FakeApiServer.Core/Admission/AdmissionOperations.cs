namespace FakeApiServer.Admission;

/// <summary>Texts of <see cref="AdmissionOperation"/>.</summary>
internal static class AdmissionOperations
{
    /// <summary>CREATE, UPDATE, DELETE or CONNECT, as AdmissionReview and webhook rules spell them.</summary>
    public static string WireName(this AdmissionOperation operation) => operation switch
    {
        AdmissionOperation.Create => "CREATE",
        AdmissionOperation.Update => "UPDATE",
        AdmissionOperation.Delete => "DELETE",
        _ => "CONNECT",
    };
}
