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
        var userInfo = new JsonObject { ["username"] = user.Name };
        if (user.Uid.Length > 0)
        {
            userInfo["uid"] = user.Uid;
        }

        if (user.Groups.Count > 0)
        {
            userInfo["groups"] = new JsonArray(user.Groups.Select(g => (JsonNode?)JsonValue.Create(g)).ToArray());
        }

        if (user.Extra.Count > 0)
        {
            userInfo["extra"] = new JsonObject(user.Extra.Select(e =>
                KeyValuePair.Create(e.Key, (JsonNode?)new JsonArray(e.Value.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()))));
        }

        obj.Metadata();
        obj["status"] = new JsonObject { ["userInfo"] = userInfo };
        return obj;
    }
}
