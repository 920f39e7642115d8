using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Security;
using FakeApiServer.Security.Authorization;

namespace FakeApiServer.Apis.Authorization.SubjectAccessReviews;

/// <summary>authorization.k8s.io/v1 SubjectAccessReview: may the user in the spec (user and/or groups) do what the spec asks?</summary>
internal sealed class SubjectAccessReviewHandler : ICreateOnlyResource
{
    private readonly IAuthorizer _authorizer;

    public SubjectAccessReviewHandler(IAuthorizer authorizer) => _authorizer = authorizer;

    public JsonObject Create(UserInfo user, string ns, JsonObject obj)
    {
        var spec = AccessReviewSpec.Spec(obj);
        var subject = AccessReviewSpec.UserFrom(spec);
        var errors = AccessReviewSpec.ValidateWithSubject(spec, subject);

        if (errors.Count > 0)
        {
            throw AccessReviewSpec.Invalid("SubjectAccessReview", errors);
        }

        return AccessReviewSpec.Answer(_authorizer, obj, AccessReviewSpec.AttributesFrom(subject, spec));
    }
}
