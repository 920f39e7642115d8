using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Security;
using FakeApiServer.Security.Authorization;

namespace FakeApiServer.Apis.Authorization.SelfSubjectAccessReviews;

/// <summary>authorization.k8s.io/v1 SelfSubjectAccessReview: may the requesting user do what the spec asks (kubectl auth can-i)?</summary>
internal sealed class SelfSubjectAccessReviewHandler : ICreateOnlyResource
{
    private readonly IAuthorizer _authorizer;

    public SelfSubjectAccessReviewHandler(IAuthorizer authorizer) => _authorizer = authorizer;

    public JsonObject Create(UserInfo user, string ns, JsonObject obj)
    {
        var spec = AccessReviewSpec.Spec(obj);
        if (AccessReviewSpec.ValidateAttributes(spec) is { Count: > 0 } errors)
        {
            throw AccessReviewSpec.Invalid("SelfSubjectAccessReview", errors);
        }

        return AccessReviewSpec.Answer(_authorizer, obj, AccessReviewSpec.AttributesFrom(user, spec));
    }
}
