using System.Text.Json.Nodes;
using FakeApiServer.Security;

namespace FakeApiServer.Apis.Authentication;

/// <summary>authentication.k8s.io/v1 UserInfo, as TokenReview and SelfSubjectReview answer it: empty fields omitted.</summary>
internal static class UserInfoJson
{
    public static JsonObject From(UserInfo user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var json = new JsonObject { ["username"] = user.Name };
        if (user.Uid.Length > 0)
        {
            json["uid"] = user.Uid;
        }

        if (user.Groups.Count > 0)
        {
            json["groups"] = new JsonArray([.. user.Groups.Select(g => (JsonNode?)JsonValue.Create(g))]);
        }

        if (user.Extra.Count > 0)
        {
            json["extra"] = new JsonObject(user.Extra.Select(e =>
                KeyValuePair.Create(e.Key, (JsonNode?)new JsonArray([.. e.Value.Select(v => (JsonNode?)JsonValue.Create(v))]))));
        }

        return json;
    }
}
