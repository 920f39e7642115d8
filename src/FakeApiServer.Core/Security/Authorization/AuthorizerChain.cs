using FakeApiServer.Security.Authorization.Rbac;

namespace FakeApiServer.Security.Authorization;

/// <summary>
/// The configured modes in order, as upstream's union authorizer: the first Allow or Deny decides; when every mode has
/// no opinion the request is forbidden, with their reasons joined by newlines. Rules are the union of every mode's.
/// </summary>
internal sealed class AuthorizerChain : IAuthorizer
{
    private readonly IReadOnlyList<IAuthorizer> _authorizers;

    public AuthorizerChain(IReadOnlyList<IAuthorizer> authorizers) => _authorizers = authorizers;

    public AuthorizationDecision Authorize(AuthorizationAttributes attributes)
    {
        List<string>? reasons = null;
        foreach (var authorizer in _authorizers)
        {
            var decision = authorizer.Authorize(attributes);
            if (decision.Verdict != AuthorizationVerdict.NoOpinion)
            {
                return decision;
            }

            if (decision.Reason.Length > 0)
            {
                (reasons ??= []).Add(decision.Reason);
            }
        }

        return AuthorizationDecision.NoOpinion(reasons is null ? "" : string.Join('\n', reasons));
    }

    public SubjectRules RulesFor(UserInfo user, string ns)
    {
        var rules = new List<PolicyRule>();
        var errors = new List<string>();
        var incomplete = false;
        foreach (var authorizer in _authorizers)
        {
            var part = authorizer.RulesFor(user, ns);
            rules.AddRange(part.Rules);
            errors.AddRange(part.Errors);
            incomplete |= part.Incomplete;
        }

        return new SubjectRules(rules, incomplete, errors);
    }
}
