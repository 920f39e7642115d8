using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using FakeApiServer.Controllers;
using FakeApiServer.Hosting;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Tests.Security.Authentication;

/// <summary>
/// A server started from <see cref="FakeApiServerOptions"/> (the command line's options, so every security flag can be
/// set) on 127.0.0.1 port 0, in memory unless a data folder is given, with raw HTTP clients that present a chosen
/// credential.
/// </summary>
internal sealed class SecuredServer : IAsyncDisposable
{
    private SecuredServer(FakeApiServerHost host) => Host = host;

    public FakeApiServerHost Host { get; }

    public Uri BaseAddress => Host.BaseAddress;

    /// <summary>Options for a test server: port 0, in memory, the namespace controller only, quiet logs.</summary>
    /// <summary>
    /// In-memory options for the authentication and limit tests. Authorization is AlwaysAllow (TLS would otherwise
    /// default to RBAC), so what these tests see is authentication alone; RBAC has its own tests.
    /// </summary>
    public static FakeApiServerOptions Options() => new()
    {
        AuthorizationMode = "AlwaysAllow",
        Port = 0,
        InMemory = true,
        Controllers = ControllerSelection.Parse("namespace,serviceaccount"),
        Nodes = 0,
        LogLevel = LogLevel.Warning,
    };

    public static async Task<SecuredServer> StartAsync(FakeApiServerOptions options, CancellationToken cancellationToken) =>
        new(await FakeApiServerHost.StartAsync(options, handleSignals: false, timeProvider: null, cancellationToken));

    /// <summary>
    /// A client that trusts the cluster CA (over TLS) and presents <paramref name="certificate"/> and/or
    /// <paramref name="token"/>; neither: no credentials at all.
    /// </summary>
    public HttpClient Client(X509Certificate2? certificate = null, string? token = null, Version? version = null)
    {
        var handler = new SocketsHttpHandler();
        if (Host.Pki is { } pki)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = certificate is null ? null : [certificate],
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = X509RevocationMode.NoCheck,
                    CustomTrustStore = { X509CertificateLoader.LoadCertificate(pki.Ca.RawData) },
                },
            };
        }

        var client = new HttpClient(handler) { BaseAddress = BaseAddress };
        if (version is not null)
        {
            client.DefaultRequestVersion = version;
            client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>A token file with the given lines, in a fresh temp folder.</summary>
    public static string TokenFile(params string[] lines)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("fakeapiserver-tokens-").FullName, "tokens.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
