using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Security.ServiceAccounts;

/// <summary>
/// The claims of a service account token (upstream's serviceaccount.Claims): sub, aud, iat, nbf, exp and jti, and the
/// private "kubernetes.io" claim naming the namespace, the service account and the object the token is bound to.
/// </summary>
internal static class ServiceAccountTokenClaims
{
    /// <summary>The private claim's name.</summary>
    public const string Kubernetes = "kubernetes.io";

    /// <summary>The expiration kubelet asks for when it wants the extended lifetime (upstream's WarnOnlyBoundTokenExpirationSeconds).</summary>
    public const long WarnOnlyExpirationSeconds = (60 * 60) + 7;

    /// <summary>How long such a token then lives (upstream's ExpirationExtensionSeconds: a year).</summary>
    public const long ExtendedExpirationSeconds = 24 * 365 * 60 * 60;

    /// <summary>The user name of a service account (upstream's MakeUsername).</summary>
    public static string UserName(string ns, string name) => "system:serviceaccount:" + ns + ":" + name;

    /// <summary>
    /// The claims of a token for <paramref name="serviceAccount"/> issued at <paramref name="now"/>: bound to
    /// <paramref name="pod"/> (with the node it runs on, when known), <paramref name="secret"/> or <paramref name="node"/>.
    /// </summary>
    /// <param name="serviceAccount">The service account.</param>
    /// <param name="pod">The pod the token is bound to, or null.</param>
    /// <param name="secret">The secret the token is bound to, or null.</param>
    /// <param name="node">The node the token is bound to, or the pod's node, or null.</param>
    /// <param name="now">The issue time.</param>
    /// <param name="expirationSeconds">The lifetime.</param>
    /// <param name="warnAfterSeconds">When an extended token starts being stale (0: not extended).</param>
    /// <param name="audiences">The "aud" claim.</param>
    /// <param name="id">The "jti" claim.</param>
    public static JsonObject Build(
        JsonObject serviceAccount, JsonObject? pod, JsonObject? secret, JsonObject? node, DateTimeOffset now, long expirationSeconds, long warnAfterSeconds,
        IReadOnlyList<string> audiences, string id)
    {
        ArgumentNullException.ThrowIfNull(serviceAccount);
        var ns = serviceAccount.Namespace();
        var kubernetes = new JsonObject
        {
            ["namespace"] = ns,
            ["serviceaccount"] = Ref(serviceAccount),
        };
        if (pod is not null)
        {
            kubernetes["pod"] = Ref(pod);
            if (node is not null)
            {
                kubernetes["node"] = Ref(node);
            }
        }
        else if (secret is not null)
        {
            kubernetes["secret"] = Ref(secret);
        }
        else if (node is not null)
        {
            kubernetes["node"] = Ref(node);
        }

        if (warnAfterSeconds != 0)
        {
            kubernetes["warnafter"] = now.ToUnixTimeSeconds() + warnAfterSeconds;
        }

        return new JsonObject
        {
            ["aud"] = new JsonArray([.. audiences.Select(a => (JsonNode?)JsonValue.Create(a))]),
            ["exp"] = now.ToUnixTimeSeconds() + expirationSeconds,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = id,
            [Kubernetes] = kubernetes,
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["sub"] = UserName(ns, serviceAccount.Name()),
        };
    }

    /// <summary>A reference {name, uid}, the uid left out when the object has none (a node that was not found).</summary>
    private static JsonObject Ref(JsonObject obj)
    {
        var reference = new JsonObject { ["name"] = obj.Name() };
        if (obj.Uid() is { Length: > 0 } uid)
        {
            reference["uid"] = uid;
        }

        return reference;
    }
}
