using System.Collections.Frozen;
using System.Net.Security;
using FakeApiServer.Api;
using FakeApiServer.Observability;
using FakeApiServer.Observability.Audit;
using FakeApiServer.Observability.Tracing;
using FakeApiServer.Security;
using FakeApiServer.Security.Authentication;
using FakeApiServer.Security.Authorization;
using FakeApiServer.Security.Limits;
using FakeApiServer.Security.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Hosting;

/// <summary>The host's security wiring: the listener (http or https), the request filters before the routes, and the kubeconfig's credentials.</summary>
public sealed partial class FakeApiServerHost
{
    /// <summary>The cluster PKI when serving TLS (certificates in &lt;data-dir&gt;/pki, or in memory), else null.</summary>
    private static ClusterPki? LoadPki(FakeApiServerOptions options, TimeProvider time) =>
        options.ServesTls
            ? ClusterPki.Load(options.Tls, options.BindAddress, options.InMemory ? null : Path.Combine(options.DataDir, "pki"), time.GetUtcNow())
            : null;

    /// <summary>
    /// Listens on the bind address: plain http (Kestrel's defaults), or HTTPS with HTTP/1.1 and
    /// HTTP/2 negotiated by ALPN (kubectl's choice). Client certificates are asked for and taken as they come; the
    /// authentication filter checks them against the client CAs, so a bad one is a 401 Status, not a failed handshake.
    /// The handshake's CertificateRequest names the client CAs as acceptable issuers, as Go's tls.Config with ClientCAs
    /// does (openssl s_client shows "Acceptable client certificate CA names"; clients with several certificates pick by it).
    /// </summary>
    private static void Listen(KestrelServerOptions kestrel, FakeApiServerOptions options, ClusterPki? pki) =>
        kestrel.Listen(System.Net.IPAddress.Parse(options.BindAddress), options.Port, listen =>
        {
            if (pki is not null)
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                var serving = SslStreamCertificateContext.Create(pki.ServingCertificate, additionalCertificates: null, offline: true,
                    trust: SslCertificateTrust.CreateForX509Collection(pki.ClientCas, sendTrustInHandshake: true));
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = pki.ServingCertificate,
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                    ClientCertificateValidation = static (_, _, _) => true,
                    OnAuthenticate = (_, ssl) => ssl.ServerCertificateContext = serving,
                });
            }
        });

    /// <summary>
    /// The filters every request passes before its route, in kube-apiserver's order: the request info (what the path,
    /// method and query ask for, read once for all that follows), authentication (when on),
    /// impersonation and authorization, the timeout of requests that are not long-running, the in-flight limits, the
    /// per-user watch limit.
    /// </summary>
    private static void UseRequestFilters(
        WebApplication app, FakeApiServerOptions options, BearerTokenAuthenticator tokens, ClusterPki? pki, IAuthorizer authorizer, ILogger logger, TimeProvider time, Observability.RequestFeed requests)
    {
        app.UseRequestInfo();
        app.UseCacheControl();
        var metrics = app.Services.GetService<Observability.Metrics.ServerMetrics>();
        app.UseRequestObservation(requests, metrics is null ? null : new Observability.Metrics.RequestMetrics(metrics.Meters), time);
        app.UseTracing();
        if (options.AuthenticatesRequests)
        {
            var certificates = pki is null ? null : new ClientCertificateAuthenticator(pki.ClientCas, time);
            var authentication = new RequestAuthentication(certificates, tokens, options.Authentication.Anonymous, app.Services.GetService<Observability.Audit.Auditor>());
            app.Use(next => context => authentication.InvokeAsync(context, next));
        }

        app.UseAudit(app.Services.GetService<Observability.Audit.Auditor>());
        app.UseImpersonationAndAuthorization(authorizer, logger);
        var timeout = new RequestTimeout(options.Limits, time);
        app.Use(next => context => timeout.InvokeAsync(context, next));
        var inFlight = new InFlightLimit(options.Limits, metrics?.Meters);
        app.Use(next => context => inFlight.InvokeAsync(context, next));
        var watches = new WatchesPerUser(options.Limits);
        app.Use(next => context => watches.InvokeAsync(context, next));
    }

    /// <summary>The static tokens of --token-auth-file (none when not given).</summary>
    private static FrozenDictionary<string, UserInfo> LoadTokens(FakeApiServerOptions options) =>
        options.Authentication.TokenAuthFile is { } file ? TokenFile.Load(file) : FrozenDictionary<string, UserInfo>.Empty;

    /// <summary>
    /// What the written kubeconfig carries. Over TLS: the CA of the serving certificate and the admin client certificate
    /// (CN=kubernetes-admin, O=system:masters), as kind writes. Over plain http with a token file: a token of the file,
    /// one in system:masters when there is one. Otherwise the placeholder token, which plain http ignores.
    /// </summary>
    private static KubeconfigCredentials KubeconfigCredentialsFor(FrozenDictionary<string, UserInfo> tokens, ClusterPki? pki)
    {
        if (pki is not null)
        {
            return new KubeconfigCredentials(pki.ServingCaPem, ClusterPki.CertificatePem(pki.AdminCertificate), ClusterPki.PrivateKeyPem(pki.AdminCertificate), null);
        }

        var token = tokens.Where(t => PrivilegedUsers.IsPrivileged(t.Value)).Select(t => t.Key).FirstOrDefault() ?? tokens.Keys.FirstOrDefault();
        return new KubeconfigCredentials(null, null, null, token ?? Kubeconfig.PlaceholderToken);
    }
}
