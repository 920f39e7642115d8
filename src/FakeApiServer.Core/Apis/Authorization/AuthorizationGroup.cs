using FakeApiServer.Apis.Authorization.LocalSubjectAccessReviews;
using FakeApiServer.Apis.Authorization.SelfSubjectAccessReviews;
using FakeApiServer.Apis.Authorization.SelfSubjectRulesReviews;
using FakeApiServer.Apis.Authorization.SubjectAccessReviews;
using FakeApiServer.Registry;
using FakeApiServer.Security.Authorization;

namespace FakeApiServer.Apis.Authorization;

/// <summary>authorization.k8s.io/v1: the access reviews, create-only and never stored.</summary>
internal static class AuthorizationGroup
{
    public static IEnumerable<ResourceDefinition> Resources(IAuthorizer authorizer)
    {
        yield return Review("SubjectAccessReview", "subjectaccessreviews", namespaced: false, new SubjectAccessReviewHandler(authorizer));
        yield return Review("SelfSubjectAccessReview", "selfsubjectaccessreviews", namespaced: false, new SelfSubjectAccessReviewHandler(authorizer));
        yield return Review("LocalSubjectAccessReview", "localsubjectaccessreviews", namespaced: true, new LocalSubjectAccessReviewHandler(authorizer));
        yield return Review("SelfSubjectRulesReview", "selfsubjectrulesreviews", namespaced: false, new SelfSubjectRulesReviewHandler(authorizer));
    }

    /// <summary>A create-only review kind: only "create" in discovery.</summary>
    public static ResourceDefinition Review(string kind, string plural, bool namespaced, ICreateOnlyResource handler, string group = AccessReviewSpec.Group, string version = "v1") =>
        new(group, version, kind, plural, namespaced)
        {
            Verbs = ["create"],
            Strategy = new ResourceStrategy(hasStatus: false),
            CreateOnly = handler,
        };
}
