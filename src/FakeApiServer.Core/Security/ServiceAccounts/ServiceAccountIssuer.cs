using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Security.ServiceAccounts;

/// <summary>
/// The service account token issuer (kube-apiserver's --service-account-issuer with its signing key and --api-audiences):
/// signs JWTs as upstream's jwtTokenGenerator (RS256, header {"alg","kid"}, the "iss" claim added) and reads one back,
/// checking its signature against the key, as the jwtTokenAuthenticator does before it looks at the claims.
/// </summary>
internal sealed class ServiceAccountIssuer
{
    /// <summary>kube-apiserver's issuer in its common setups (kubeadm, kind): the in-cluster name of the API service.</summary>
    public const string DefaultIssuer = "https://kubernetes.default.svc.cluster.local";

    /// <summary>go-jose's error for a signature that does not verify, which upstream passes on.</summary>
    internal const string SignatureError = "go-jose/go-jose: error in cryptographic primitive";

    private readonly ServiceAccountSigningKey _key;

    /// <param name="key">The signing key.</param>
    /// <param name="issuer">The "iss" of issued tokens (--service-account-issuer).</param>
    /// <param name="apiAudiences">The server's audiences (--api-audiences); empty: the issuer, as upstream defaults them.</param>
    public ServiceAccountIssuer(ServiceAccountSigningKey key, string issuer, IReadOnlyList<string> apiAudiences)
    {
        _key = key;
        Issuer = issuer;
        ApiAudiences = apiAudiences.Count > 0 ? apiAudiences : [issuer];
    }

    /// <summary>The issuer URL, the "iss" of every token.</summary>
    public string Issuer { get; }

    /// <summary>The audiences a token must be for to authenticate a request, and the default audiences of a TokenRequest.</summary>
    public IReadOnlyList<string> ApiAudiences { get; }

    /// <summary>The signing key (the JWKS publishes its public half).</summary>
    public ServiceAccountSigningKey Key => _key;

    /// <summary>
    /// The compact JWS of <paramref name="claims"/> with "iss" set to the issuer. The claims are written in the order go-jose
    /// writes them: its claims builder merges everything into one map, which Go encodes with sorted keys.
    /// </summary>
    public string Sign(JsonObject claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        claims["iss"] = Issuer;
        var header = new JsonObject { ["alg"] = "RS256", ["kid"] = _key.KeyId };
        var signingInput = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." +
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes(Registry.GoJson.Marshal(claims)));
        var signature = _key.Rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>
    /// Whether the token is a JWT whose unverified "iss" is this issuer (upstream's hasCorrectIssuer): any other token is
    /// not a service account token, and the other authenticators get their turn.
    /// </summary>
    public bool IsOwnToken(string token) => ReadPayload(token) is { } payload && payload["iss"] is JsonValue iss &&
        iss.TryGetValue<string>(out var value) && value == Issuer;

    /// <summary>
    /// The claims of a token <see cref="IsOwnToken"/> accepted, once its RS256 signature verifies with the key; otherwise
    /// the error upstream reports.
    /// </summary>
    public (JsonObject? Claims, string? Error) Verify(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || ReadPayload(token) is not { } claims || ReadJson(parts[0]) is not { } header)
        {
            return (null, SignatureError);
        }

        if (header["alg"]?.GetValueKind() != JsonValueKind.String || header["alg"]!.GetValue<string>() != "RS256")
        {
            return (null, SignatureError);
        }

        byte[] signature;
        try
        {
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (FormatException)
        {
            return (null, SignatureError);
        }

        var signed = _key.Rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signed ? (claims, null) : (null, SignatureError);
    }

    private static JsonObject? ReadPayload(string token)
    {
        var first = token.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        return second < 0 ? null : ReadJson(token[(first + 1)..second]);
    }

    private static JsonObject? ReadJson(string segment)
    {
        try
        {
            return JsonNode.Parse(Base64Url.DecodeFromChars(segment)) as JsonObject;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}
