using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Security;

namespace FakeApiServer.Apis.Authentication.SelfSubjectReviews;

/// <summary>authentication.k8s.io SelfSubjectReview (kubectl auth whoami): the requesting user's name, uid, groups and extra in status.userInfo.</summary>
internal sealed class SelfSubjectReviewHandler : ICreateOnlyResource
{
    public JsonObject Create(UserInfo user, string ns, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(obj);
        obj.Metadata();
        obj["status"] = new JsonObject { ["userInfo"] = UserInfoJson.From(user) };
        return obj;
    }
}
