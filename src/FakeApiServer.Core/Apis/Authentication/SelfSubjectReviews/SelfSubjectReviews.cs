using FakeApiServer.Apis.Authorization;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Authentication.SelfSubjectReviews;

/// <summary>
/// The registration of SelfSubjectReview in authentication.k8s.io: v1, and v1beta1 for kubectl 1.27 (which asks beta first).
/// Kept apart from the group's other kinds (TokenReview), which authentication registers.
/// </summary>
internal static class SelfSubjectReviews
{
    public const string Group = "authentication.k8s.io";

    public static IEnumerable<ResourceDefinition> Resources()
    {
        var handler = new SelfSubjectReviewHandler();
        yield return AuthorizationGroup.Review("SelfSubjectReview", "selfsubjectreviews", namespaced: false, handler, Group, "v1");
        yield return AuthorizationGroup.Review("SelfSubjectReview", "selfsubjectreviews", namespaced: false, handler, Group, "v1beta1");
    }
}
