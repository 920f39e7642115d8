using FakeApiServer.Apis.Authorization;
using FakeApiServer.Registry;
using FakeApiServer.Security.Authentication;

namespace FakeApiServer.Apis.Authentication.TokenReviews;

/// <summary>The registration of TokenReview in authentication.k8s.io/v1 (create only, cluster-scoped).</summary>
internal static class TokenReviews
{
    public static IEnumerable<ResourceDefinition> Resources(BearerTokenAuthenticator tokens)
    {
        yield return AuthorizationGroup.Review("TokenReview", "tokenreviews", namespaced: false, new TokenReviewHandler(tokens), SelfSubjectReviews.SelfSubjectReviews.Group, "v1");
    }
}
