namespace FakeApiServer.Security.Authorization;

/// <summary>What an authorizer says about a request, as upstream's authorizer.Decision.</summary>
internal enum AuthorizationVerdict
{
    /// <summary>The authorizer neither allows nor denies: the next one decides; if none does, the request is forbidden.</summary>
    NoOpinion,

    /// <summary>The request may proceed.</summary>
    Allow,

    /// <summary>The request is forbidden, whatever later authorizers would say.</summary>
    Deny,
}

/// <summary>A verdict with its reason (shown after the forbidden message, and in a review's status.reason).</summary>
internal readonly record struct AuthorizationDecision(AuthorizationVerdict Verdict, string Reason)
{
    public static AuthorizationDecision NoOpinion(string reason = "") => new(AuthorizationVerdict.NoOpinion, reason);

    public static AuthorizationDecision Allow(string reason = "") => new(AuthorizationVerdict.Allow, reason);

    public static AuthorizationDecision Deny(string reason = "") => new(AuthorizationVerdict.Deny, reason);

    public bool Allowed => Verdict == AuthorizationVerdict.Allow;
}
