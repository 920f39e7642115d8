using System.Text;
using System.Text.Json.Nodes;

namespace FakeApiServer.Security.ServiceAccounts;

/// <summary>
/// Service account issuer discovery (pkg/serviceaccount/openidmetadata.go and pkg/routes/openidmetadata.go): the OIDC
/// provider configuration at <see cref="ConfigurationPath"/> and the JSON Web Key Set at <see cref="JwksPath"/>, each with
/// "Cache-Control: public, max-age=3600". Served only when the issuer is an https URL without query or fragment, as
/// kube-apiserver installs them. The jwks_uri is https://&lt;the server's address&gt;/openid/v1/jwks, as kube-apiserver
/// builds it from its external address when --service-account-jwks-uri is not given.
/// </summary>
internal sealed class OpenIdMetadata(ServiceAccountIssuer issuer, Func<string> externalHost)
{
    public const string ConfigurationPath = "/.well-known/openid-configuration";

    public const string JwksPath = "/openid/v1/jwks";

    /// <summary>The Content-Type of the key set (RFC 7517 section 8.5.1).</summary>
    public const string JwksContentType = "application/jwk-set+json";

    /// <summary>Upstream's cache header for both documents (the key getter's maximum age of an hour).</summary>
    public const string CacheControl = "public, max-age=3600";

    private readonly Lazy<byte[]> _configuration = new(() => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["issuer"] = issuer.Issuer,
        ["jwks_uri"] = "https://" + externalHost() + JwksPath,
        ["response_types_supported"] = new JsonArray("id_token"),
        ["subject_types_supported"] = new JsonArray("public"),
        ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
    }.ToJsonString()));

    private readonly Lazy<byte[]> _keySet = new(() => Encoding.UTF8.GetBytes(new JsonObject { ["keys"] = new JsonArray(issuer.Key.PublicJwk()) }.ToJsonString()));

    /// <summary>Whether kube-apiserver would serve the documents for this issuer.</summary>
    public bool Served => Uri.TryCreate(issuer.Issuer, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.Query.Length == 0 && uri.Fragment.Length == 0;

    /// <summary>The provider configuration, as upstream's json.Marshal writes it.</summary>
    public byte[] Configuration => _configuration.Value;

    /// <summary>The key set: the one signing key's public half.</summary>
    public byte[] KeySet => _keySet.Value;
}
