namespace FakeApiServer.Security.Authorization;

/// <summary>--authorization-mode=AlwaysDeny: no opinion on anything, with upstream's reason, so nothing passes unless an earlier mode allows it.</summary>
internal sealed class AlwaysDenyAuthorizer : IAuthorizer
{
    public const string Reason = "Everything is forbidden.";

    public AuthorizationDecision Authorize(AuthorizationAttributes attributes) => AuthorizationDecision.NoOpinion(Reason);

    /// <summary>No rules, and complete: as upstream, AlwaysDeny lists nothing rather than an error.</summary>
    public SubjectRules RulesFor(UserInfo user, string ns) => SubjectRules.None;
}
