using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Admission.Webhooks;

/// <summary>
/// Posts an AdmissionReview to a webhook over HTTPS and reads the answer: clientConfig.url as is,
/// clientConfig.service through <see cref="WebhookOptions"/>; the server certificate must chain to clientConfig.caBundle
/// (the system roots when it is empty) and match the host name. A ?timeout= query is added, as upstream's client does.
/// </summary>
internal sealed class WebhookClient
{
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;

    public WebhookClient(WebhookOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    /// <summary>The URL a webhook is called at (before the timeout query).</summary>
    public Uri UrlOf(Webhook webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        if (webhook.Url is { } url)
        {
            return url;
        }

        var (ns, name, port, path) = webhook.Service ?? throw new WebhookCallException("no clientConfig.url or clientConfig.service");
        var text = _options.ServiceUrlTemplate
            .Replace("{name}", name, StringComparison.Ordinal)
            .Replace("{namespace}", ns, StringComparison.Ordinal)
            .Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{path}", path, StringComparison.Ordinal);
        return Uri.TryCreate(text, UriKind.Absolute, out var resolved) ? resolved : throw new WebhookCallException($"invalid service URL \"{text}\"");
    }

    /// <summary>Sends <paramref name="review"/>; failures of any kind become <see cref="WebhookCallException"/> with upstream-like text.</summary>
    public async Task<JsonObject> PostAsync(Webhook webhook, JsonObject review, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var url = UrlOf(webhook);
        var timeout = TimeSpan.FromSeconds(webhook.TimeoutSeconds);
        var target = new UriBuilder(url) { Query = AppendQuery(url.Query, "timeout=" + webhook.TimeoutSeconds.ToString(CultureInfo.InvariantCulture) + "s") }.Uri;
        var post = $"Post \"{target}\"";
        if (target.Scheme != Uri.UriSchemeHttps)
        {
            throw new WebhookCallException($"failed to call webhook: {post}: webhook URLs must use https");
        }

        var roots = new X509Certificate2Collection();
        if (webhook.CaBundle.Length > 0)
        {
            try
            {
                roots.ImportFromPem(webhook.CaBundle);
            }
            catch (CryptographicException e)
            {
                throw new WebhookCallException("failed to call webhook: invalid caBundle: " + e.Message, e);
            }
        }

        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectCallback = ConnectAsync,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Trusted(certificate, chain, errors, roots),
            },
        };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            using var span = Observability.Tracing.ApiServerTracing.StartStep("Call webhook");
            span?.SetTag("webhook", webhook.Name);
            using var content = new ByteArrayContent(ObjectJson.Serialize(review));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var message = new HttpRequestMessage(HttpMethod.Post, target) { Content = content };
            Observability.Tracing.TraceContext.Inject(message, span);
            using var response = await client.SendAsync(message, linked.Token);
            var body = await response.Content.ReadAsByteArrayAsync(linked.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new WebhookCallException(
                    $"failed to call webhook: the server responded with the status code {(int)response.StatusCode} but did not return more information");
            }

            try
            {
                return ObjectJson.Parse(body);
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new WebhookCallException("received invalid webhook response: " + e.Message, e);
            }
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new WebhookCallException($"failed to call webhook: {post}: context deadline exceeded", e);
        }
        catch (HttpRequestException e)
        {
            var why = e.InnerException is { } inner ? inner.Message : e.Message;
            throw new WebhookCallException($"failed to call webhook: {post}: {why}", e);
        }
    }

    private static string AppendQuery(string query, string item) => query.Length > 1 ? query[1..] + "&" + item : item;

    /// <summary>Hosts of services (*.svc) are connected to at the configured address; the TLS name stays the service's.</summary>
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        EndPoint endPoint = host.EndsWith(".svc", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".svc.cluster.local", StringComparison.OrdinalIgnoreCase)
            ? new IPEndPoint(IPAddress.Parse(_options.ServiceAddress), context.DnsEndPoint.Port)
            : context.DnsEndPoint;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool Trusted(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        if (roots.Count == 0)
        {
            return errors == SslPolicyErrors.None;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(roots);
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return custom.Build(leaf);
    }
}
