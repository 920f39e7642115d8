namespace FakeApiServer.Admission;

/// <summary>
/// Who a request comes from, as authentication.k8s.io UserInfo in an AdmissionReview: the request's user (after
/// authentication and impersonation) for creates and updates; <see cref="Admin"/> for the server's own writes
/// (controllers, bootstrap) and, for now, for deletes, whose options do not carry the user yet.
/// </summary>
internal sealed record AdmissionUser(string Username, string Uid, IReadOnlyList<string> Groups)
{
    /// <summary>The cluster administrator (system:masters): the server's own writes.</summary>
    public static AdmissionUser Admin { get; } = new("system:admin", "", ["system:masters", "system:authenticated"]);
}
