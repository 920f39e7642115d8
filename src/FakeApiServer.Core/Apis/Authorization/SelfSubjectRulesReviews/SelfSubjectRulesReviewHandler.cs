using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;
using FakeApiServer.Security;
using FakeApiServer.Security.Authorization;

namespace FakeApiServer.Apis.Authorization.SelfSubjectRulesReviews;

/// <summary>
/// authorization.k8s.io/v1 SelfSubjectRulesReview (kubectl auth can-i --list): the requesting user's resource and
/// non-resource rules in spec.namespace, from every authorization mode; errors resolving roles become evaluationError.
/// </summary>
internal sealed class SelfSubjectRulesReviewHandler : ICreateOnlyResource
{
    private readonly IAuthorizer _authorizer;

    public SelfSubjectRulesReviewHandler(IAuthorizer authorizer) => _authorizer = authorizer;

    public JsonObject Create(UserInfo user, string ns, JsonObject obj)
    {
        var spec = AccessReviewSpec.Spec(obj);
        if (spec.GetString("namespace") is not { Length: > 0 } reviewed)
        {
            throw ApiException.BadRequest("no namespace on request");
        }

        var rules = _authorizer.RulesFor(user, reviewed);
        var resourceRules = new JsonArray();
        var nonResourceRules = new JsonArray();
        foreach (var rule in rules.Rules)
        {
            if (rule.Resources.Count > 0)
            {
                resourceRules.Add(new Security.Authorization.Rbac.PolicyRule
                {
                    Verbs = rule.Verbs, ApiGroups = rule.ApiGroups, Resources = rule.Resources, ResourceNames = rule.ResourceNames,
                }.ToJson());
            }

            if (rule.NonResourceUrls.Count > 0)
            {
                nonResourceRules.Add(new Security.Authorization.Rbac.PolicyRule { Verbs = rule.Verbs, NonResourceUrls = rule.NonResourceUrls }.ToJson());
            }
        }

        var status = new JsonObject
        {
            ["resourceRules"] = resourceRules,
            ["nonResourceRules"] = nonResourceRules,
            ["incomplete"] = rules.Incomplete,
        };
        if (rules.Errors.Count > 0)
        {
            status["evaluationError"] = Security.Authorization.Rbac.RbacAuthorizer.Aggregate(rules.Errors);
        }

        return new JsonObject
        {
            ["apiVersion"] = obj["apiVersion"]?.DeepClone(),
            ["kind"] = obj["kind"]?.DeepClone(),
            ["metadata"] = new JsonObject(),
            ["spec"] = new JsonObject(),
            ["status"] = status,
        };
    }
}
