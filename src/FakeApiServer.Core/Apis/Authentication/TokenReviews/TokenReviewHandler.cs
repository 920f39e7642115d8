using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;
using FakeApiServer.Security;
using FakeApiServer.Security.Authentication;

namespace FakeApiServer.Apis.Authentication.TokenReviews;

/// <summary>
/// authentication.k8s.io/v1 TokenReview (pkg/registry/authentication/tokenreview): the token goes through the server's
/// bearer token authenticators (static tokens, service account tokens) for the review's audiences, or the server's when
/// it names none. A known token answers authenticated with its user and the audiences it is valid for; a service account
/// token that fails answers status.error as upstream words it; a token nobody recognizes answers an empty user.
/// </summary>
internal sealed class TokenReviewHandler(BearerTokenAuthenticator tokens) : ICreateOnlyResource
{
    /// <summary>How upstream's request authenticator (which TokenReview calls with the token as a bearer header) lists a token's failure.</summary>
    private const string InvalidBearerToken = "invalid bearer token";

    public JsonObject Create(UserInfo user, string ns, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var token = obj["spec"]?["token"]?.GetValue<string>();
        if (string.IsNullOrEmpty(token))
        {
            throw ApiException.BadRequest("token is required for TokenReview in authentication.k8s.io/__internal");
        }

        var audiences = (obj["spec"]?["audiences"] as JsonArray)?.Select(a => a?.GetValue<string>() ?? "").ToArray();
        var result = tokens.Authenticate(token, audiences);
        obj.Metadata();
        var status = new JsonObject();
        if (result.User is { } known)
        {
            status["authenticated"] = true;
            status["user"] = UserInfoJson.From(known);
            status["audiences"] = new JsonArray([.. result.Audiences.Select(a => (JsonNode?)JsonValue.Create(a))]);
        }
        else
        {
            status["user"] = new JsonObject();
            if (result.Error is { } error)
            {
                status["error"] = "[" + InvalidBearerToken + ", " + error + "]";
            }
        }

        obj["status"] = status;
        return obj;
    }
}
