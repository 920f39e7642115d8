using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Security.ServiceAccounts;

/// <summary>
/// kube-apiserver's service account token authenticator (pkg/serviceaccount jwt.go and claims.go): a token of this issuer
/// whose signature verifies, whose audiences meet the requested ones, which is within its lifetime (60 seconds of leeway,
/// as go-jose allows) and whose service account (and bound pod, secret or node) still exists with the uid the token
/// names, authenticates as the service account. Objects are read from the latest stored state, as upstream reads its
/// informers' caches.
/// </summary>
internal sealed class ServiceAccountTokenAuthenticator(ServiceAccountIssuer issuer, IRevisionedStore store, TimeProvider time)
{
    /// <summary>The group of every service account.</summary>
    public const string AllServiceAccountsGroup = "system:serviceaccounts";

    /// <summary>The extra keys upstream sets on a service account user.</summary>
    public const string PodNameKey = "authentication.kubernetes.io/pod-name";

    public const string PodUidKey = "authentication.kubernetes.io/pod-uid";

    public const string NodeNameKey = "authentication.kubernetes.io/node-name";

    public const string NodeUidKey = "authentication.kubernetes.io/node-uid";

    public const string CredentialIdKey = "authentication.kubernetes.io/credential-id";

    /// <summary>go-jose's DefaultLeeway, which upstream validates the time claims with.</summary>
    private const long LeewaySeconds = 60;

    private const string Invalidated = "service account token has been invalidated";

    /// <summary>The issuer whose tokens this authenticates.</summary>
    public ServiceAccountIssuer Issuer => issuer;

    /// <summary>
    /// Authenticates <paramref name="token"/> for <paramref name="requested"/> audiences (null: the server's). Returns
    /// <see cref="TokenAuthentication.NotRecognized"/> for a token of another issuer or not a JWT.
    /// </summary>
    public TokenAuthentication Authenticate(string token, IReadOnlyList<string>? requested)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!issuer.IsOwnToken(token))
        {
            return TokenAuthentication.NotRecognized;
        }

        var (claims, error) = issuer.Verify(token);
        if (claims is null)
        {
            return TokenAuthentication.Failed(error!);
        }

        IReadOnlyList<string> tokenAudiences = Strings(claims["aud"]);
        if (tokenAudiences.Count == 0)
        {
            tokenAudiences = issuer.ApiAudiences;
        }

        var targets = requested ?? issuer.ApiAudiences;
        var audiences = tokenAudiences.Intersect(targets, StringComparer.Ordinal).ToArray();
        if (audiences.Length == 0)
        {
            return TokenAuthentication.Failed($"token audiences {GoQuoted(tokenAudiences)} is invalid for the target audiences {GoQuoted(targets)}");
        }

        var (user, failure) = Validate(claims);
        return user is not null ? TokenAuthentication.Succeeded(user, audiences) : TokenAuthentication.Failed(failure!);
    }

    /// <summary>Upstream's validator.Validate: the time claims, then the bound objects; the user, or why not.</summary>
    private (UserInfo? User, string? Error) Validate(JsonObject claims)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (claims[ServiceAccountTokenClaims.Kubernetes] is not JsonObject kubernetes)
        {
            return Fail("service account token claims could not be validated due to unexpected validation error");
        }

        if (NumericDate(claims["nbf"]) is { } notBefore && now + LeewaySeconds < notBefore)
        {
            return Fail("service account token is not valid yet");
        }

        if (NumericDate(claims["exp"]) is { } expiry && now - LeewaySeconds > expiry)
        {
            return Fail("service account token has expired");
        }

        if (NumericDate(claims["iat"]) is { } issuedAt && now + LeewaySeconds < issuedAt)
        {
            return Fail("service account token is issued in the future");
        }

        var ns = Text(kubernetes["namespace"]);
        var serviceAccountRef = kubernetes["serviceaccount"] as JsonObject;
        var name = Text(serviceAccountRef?["name"]);
        var uid = Text(serviceAccountRef?["uid"]);
        if (Read("serviceaccounts", ns, name) is not { } serviceAccount)
        {
            return Fail($"serviceaccounts \"{name}\" not found");
        }

        if (serviceAccount.Uid() != uid)
        {
            return Fail($"service account UID ({serviceAccount.Uid()}) does not match claim ({uid})");
        }

        if (DeletedBefore(serviceAccount, now))
        {
            return Fail($"service account {ns}/{name} has been deleted");
        }

        if (kubernetes["secret"] is JsonObject secretRef)
        {
            if (Read("secrets", ns, Text(secretRef["name"])) is not { } secret || DeletedBefore(secret, now))
            {
                return Fail(Invalidated);
            }

            if (secret.Uid() != Text(secretRef["uid"]))
            {
                return Fail($"secret UID ({secret.Uid()}) does not match service account secret ref claim ({Text(secretRef["uid"])})");
            }
        }

        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (kubernetes["pod"] is JsonObject podRef)
        {
            if (Read("pods", ns, Text(podRef["name"])) is not { } pod || DeletedBefore(pod, now))
            {
                return Fail(Invalidated);
            }

            if (pod.Uid() != Text(podRef["uid"]))
            {
                return Fail($"pod UID ({pod.Uid()}) does not match service account pod ref claim ({Text(podRef["uid"])})");
            }

            extra[PodNameKey] = [Text(podRef["name"])];
            extra[PodUidKey] = [Text(podRef["uid"])];
        }

        if (kubernetes["node"] is JsonObject nodeRef)
        {
            if (kubernetes["pod"] is null)
            {
                if (Read("nodes", "", Text(nodeRef["name"])) is not { } node || DeletedBefore(node, now))
                {
                    return Fail(Invalidated);
                }

                if (node.Uid() != Text(nodeRef["uid"]))
                {
                    return Fail($"node UID ({node.Uid()}) does not match service account node ref claim ({Text(nodeRef["uid"])})");
                }
            }

            extra[NodeNameKey] = [Text(nodeRef["name"])];
            if (Text(nodeRef["uid"]) is { Length: > 0 } nodeUid)
            {
                extra[NodeUidKey] = [nodeUid];
            }
        }

        if (Text(claims["jti"]) is { Length: > 0 } id)
        {
            extra[CredentialIdKey] = ["JTI=" + id];
        }

        var user = Authentication.Authenticated.User(
            ServiceAccountTokenClaims.UserName(ns, name), uid, [AllServiceAccountsGroup, AllServiceAccountsGroup + ":" + ns]);
        return (user with { Extra = extra }, null);
    }

    private static (UserInfo?, string?) Fail(string message) => (null, message);

    /// <summary>Whether the object was marked deleted more than the leeway ago (upstream's invalidIfDeletedBefore).</summary>
    private static bool DeletedBefore(JsonObject obj, long now) =>
        obj.Metadata().GetString("deletionTimestamp") is { } deleted && DateTimeOffset.TryParse(deleted, System.Globalization.CultureInfo.InvariantCulture, out var at) &&
        at.ToUnixTimeSeconds() < now - LeewaySeconds;

    private JsonObject? Read(string plural, string ns, string name)
    {
        if (name.Length == 0)
        {
            return null;
        }

        var key = ResourceDefinition.KeyPrefixOf("", plural) + (ns.Length > 0 ? ns + "/" : "") + name;
        return store.Latest.Get(key) is { } stored ? ObjectJson.Parse(stored.Value) : null;
    }

    private static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    private static long? NumericDate(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? (long)d : null;

    private static List<string> Strings(JsonNode? node) => node switch
    {
        JsonArray a => [.. a.Select(Text).Where(s => s.Length > 0)],
        JsonValue => Text(node) is { Length: > 0 } s ? [s] : [],
        _ => [],
    };

    /// <summary>A list as Go's %q prints a []string: ["a" "b"].</summary>
    private static string GoQuoted(IEnumerable<string> values) => "[" + string.Join(' ', values.Select(v => GoJson.Marshal(JsonValue.Create(v)))) + "]";
}

/// <summary>What a token authenticator said about a token: not its kind of token, its user (and audiences), or why it refused it.</summary>
internal sealed record TokenAuthentication(bool Recognized, UserInfo? User, IReadOnlyList<string> Audiences, string? Error)
{
    public static TokenAuthentication NotRecognized { get; } = new(false, null, [], null);

    public static TokenAuthentication Succeeded(UserInfo user, IReadOnlyList<string> audiences) => new(true, user, audiences, null);

    public static TokenAuthentication Failed(string error) => new(true, null, [], error);
}
