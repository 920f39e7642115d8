using FakeApiServer.Security.Authorization.Rbac;

namespace FakeApiServer.Security.Authorization;

/// <summary>
/// What a user may do, as a SelfSubjectRulesReview's status: the rules, and whether the list is incomplete (a
/// binding names a missing role, or a mode cannot list rules) with the errors that made it so.
/// </summary>
internal sealed record SubjectRules(IReadOnlyList<PolicyRule> Rules, bool Incomplete, IReadOnlyList<string> Errors)
{
    public static SubjectRules None { get; } = new([], false, []);
}
