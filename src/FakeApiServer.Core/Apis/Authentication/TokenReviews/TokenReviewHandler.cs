using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;
using FakeApiServer.Security;

namespace FakeApiServer.Apis.Authentication.TokenReviews;

/// <summary>
/// authentication.k8s.io/v1 TokenReview (pkg/registry/authentication/tokenreview): the token is looked up among the
/// static tokens (--token-auth-file); a known one answers authenticated with its user and the audiences, an unknown one
/// answers with an empty user and no authenticated flag, as upstream's union of authenticators does for a token none of
/// them recognizes. Service account tokens are not known here yet.
/// </summary>
internal sealed class TokenReviewHandler(IReadOnlyDictionary<string, UserInfo> tokens) : ICreateOnlyResource
{
    /// <summary>The API audiences of a server without --api-audiences: its service account issuer.</summary>
    public const string DefaultAudience = "https://kubernetes.default.svc.cluster.local";

    public JsonObject Create(UserInfo user, string ns, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var token = obj["spec"]?["token"]?.GetValue<string>();
        if (string.IsNullOrEmpty(token))
        {
            throw ApiException.BadRequest("token is required for TokenReview in authentication.k8s.io/__internal");
        }

        obj.Metadata();
        var status = new JsonObject();
        if (tokens.TryGetValue(token, out var known))
        {
            status["authenticated"] = true;
            status["user"] = UserJson(known);
            var audiences = obj["spec"]?["audiences"] as JsonArray is { Count: > 0 } requested
                ? requested.DeepClone()
                : new JsonArray(DefaultAudience);
            status["audiences"] = audiences;
        }
        else
        {
            status["user"] = new JsonObject();
        }

        obj["status"] = status;
        return obj;
    }

    private static JsonObject UserJson(UserInfo user)
    {
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
