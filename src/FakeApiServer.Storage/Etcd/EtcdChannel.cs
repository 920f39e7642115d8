using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FakeApiServer.Storage.Etcd;

/// <summary>
/// One gRPC channel over every etcd server, as etcd's own clientv3 does: calls are balanced round-robin over the members
/// that answer, so a killed member costs only the calls in flight to it.
/// </summary>
internal static class EtcdChannel
{
    public static GrpcChannel Create(EtcdStoreOptions options)
    {
        var secure = options.Servers.Any(s => s.Scheme == Uri.UriSchemeHttps);
        var addresses = options.Servers.Select(s => new BalancerAddress(s.Host, s.Port)).ToArray();
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new StaticResolverFactory(_ => addresses));
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            // A member killed without closing its connections is noticed by pings, not only by the next call.
            KeepAlivePingDelay = TimeSpan.FromSeconds(5),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
        };
        if (secure)
        {
            handler.SslOptions = TlsOptions(options);
        }

        return GrpcChannel.ForAddress("static:///etcd", new GrpcChannelOptions
        {
            Credentials = secure ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
            ServiceProvider = services.BuildServiceProvider(),
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = null,
            ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new RoundRobinConfig() } },
        });
    }

    private static SslClientAuthenticationOptions TlsOptions(EtcdStoreOptions options)
    {
        var tls = new SslClientAuthenticationOptions();
        if (options.CertFile is { } certFile && options.KeyFile is { } keyFile)
        {
            using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            // Exported and re-imported so that SslStream can use the key on every platform.
            tls.ClientCertificates = [X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null)];
        }

        if (options.CaFile is { } caFile)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(caFile);
            // The servers are dialled by the address in --etcd-servers; the certificate must chain to the given CA.
            tls.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }

        return tls;
    }
}
