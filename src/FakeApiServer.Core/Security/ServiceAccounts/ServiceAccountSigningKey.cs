using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace FakeApiServer.Security.ServiceAccounts;

/// <summary>
/// The RSA key that signs service account tokens (kube-apiserver's --service-account-signing-key-file, which kubeadm
/// keeps in pki/sa.key) and the key that verifies them. With a data directory it is generated once and kept in
/// &lt;data-dir&gt;/pki/sa.key (PKCS#8 PEM), so tokens survive a restart; without one (--in-memory) it lives as long as
/// the server. The key is made on first use: a server nobody asks for a token never pays for generating it.
/// </summary>
internal sealed class ServiceAccountSigningKey : IDisposable
{
    /// <summary>The key size kube-apiserver's documentation and kubeadm use.</summary>
    private const int KeySizeBits = 2048;

    private readonly Lazy<(RSA Rsa, string KeyId)> _key;

    /// <param name="path">Where the key is kept (created when missing), or null for a key in memory.</param>
    public ServiceAccountSigningKey(string? path) =>
        _key = new Lazy<(RSA, string)>(() => Load(path), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The private key.</summary>
    public RSA Rsa => _key.Value.Rsa;

    /// <summary>
    /// The "kid" of tokens and of the JWKS entry, as upstream's keyIDFromPublicKey: the unpadded base64url SHA-256 of the
    /// public key's DER SubjectPublicKeyInfo.
    /// </summary>
    public string KeyId => _key.Value.KeyId;

    /// <summary>The public key as one JSON Web Key (RFC 7517), the fields in the order go-jose writes them.</summary>
    public JsonObject PublicJwk()
    {
        var parameters = Rsa.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["use"] = "sig",
            ["kty"] = "RSA",
            ["kid"] = KeyId,
            ["alg"] = "RS256",
            ["n"] = Base64Url.EncodeToString(parameters.Modulus),
            ["e"] = Base64Url.EncodeToString(parameters.Exponent),
        };
    }

    public void Dispose()
    {
        if (_key.IsValueCreated)
        {
            _key.Value.Rsa.Dispose();
        }
    }

    private static (RSA, string) Load(string? path)
    {
        var rsa = RSA.Create(KeySizeBits);
        if (path is not null)
        {
            if (File.Exists(path))
            {
                rsa.ImportFromPem(File.ReadAllText(path));
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                var pem = rsa.ExportPkcs8PrivateKeyPem() + "\n";
                var temporary = path + ".tmp";
                File.WriteAllText(temporary, pem);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }

                File.Move(temporary, path, overwrite: true);
            }
        }

        var keyId = Base64Url.EncodeToString(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()));
        return (rsa, keyId);
    }
}
