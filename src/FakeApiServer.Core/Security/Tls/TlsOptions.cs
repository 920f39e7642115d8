using System.Net;

namespace FakeApiServer.Security.Tls;

/// <summary>
/// How the server serves HTTPS (--tls, --tls-cert-file, --tls-private-key-file, --client-ca-file). Off by default on a
/// loopback address, on for any other: a server others can reach never answers plain http unless told to.
/// </summary>
public sealed record TlsOptions
{
    /// <summary>Serve HTTPS (--tls); null: on when the bind address is not loopback, or when a serving certificate is given.</summary>
    public bool? Enabled { get; init; }

    /// <summary>A PEM serving certificate (with its chain) to use instead of the generated one (--tls-cert-file).</summary>
    public string? CertFile { get; init; }

    /// <summary>The PEM private key of <see cref="CertFile"/> (--tls-private-key-file).</summary>
    public string? PrivateKeyFile { get; init; }

    /// <summary>PEM CA certificates whose client certificates authenticate, besides the generated CA (--client-ca-file).</summary>
    public string? ClientCaFile { get; init; }

    /// <summary>Whether a server bound to <paramref name="bindAddress"/> serves HTTPS.</summary>
    public bool IsOn(string bindAddress) =>
        Enabled ?? (CertFile is not null || !IPAddress.TryParse(bindAddress, out var address) || !IPAddress.IsLoopback(address));
}
