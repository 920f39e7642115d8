namespace FakeApiServer.Admission;

/// <summary>
/// Who a request comes from, as authentication.k8s.io UserInfo in an AdmissionReview. The server has no
/// authentication yet: every request, from HTTP clients and controllers alike, is <see cref="Admin"/>.
/// </summary>
internal sealed record AdmissionUser(string Username, string Uid, IReadOnlyList<string> Groups)
{
    /// <summary>The cluster administrator (system:masters), which every request is until authentication exists.</summary>
    public static AdmissionUser Admin { get; } = new("system:admin", "", ["system:masters", "system:authenticated"]);
}
