using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Tests.Admission;

/// <summary>
/// A real admission webhook for tests: Kestrel over HTTPS on 127.0.0.1 (a free port) with a self-signed certificate
/// made here (valid for 127.0.0.1, localhost and the given DNS names). Every AdmissionReview is recorded and answered
/// by <c>respond</c>, whose response gets the request's uid.
/// </summary>
internal sealed class TestWebhookServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestWebhookServer(WebApplication app, string caPem, int port)
    {
        _app = app;
        CaPem = caPem;
        Port = port;
    }

    /// <summary>The certificate in PEM, what a webhook configuration's caBundle holds.</summary>
    public string CaPem { get; }

    public byte[] CaBundle => Encoding.UTF8.GetBytes(CaPem);

    public int Port { get; }

    public Uri Url(string path = "/") => new($"https://127.0.0.1:{Port}{path}");

    /// <summary>The AdmissionReview requests received, in order.</summary>
    public ConcurrentQueue<JsonObject> Requests { get; } = new();

    /// <summary>The W3C traceparent header of each request received ("" when it had none), in order.</summary>
    public ConcurrentQueue<string> TraceParents { get; } = new();

    public static async Task<TestWebhookServer> StartAsync(Func<JsonObject, JsonObject> respond, CancellationToken cancellationToken, params string[] dnsNames)
    {
        using var certificate = SelfSigned(dnsNames);
        var caPem = certificate.ExportCertificatePem();
        var serving = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(serving)));
        var app = builder.Build();
        TestWebhookServer? server = null;
        app.Run(async context =>
        {
            var review = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!;
            var request = (JsonObject)review["request"]!;
            server!.TraceParents.Enqueue(context.Request.Headers["traceparent"].ToString());
            server.Requests.Enqueue((JsonObject)request.DeepClone());
            var response = respond(request);
            response["uid"] = request["uid"]?.DeepClone();
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                new JsonObject { ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview", ["response"] = response }.ToJsonString(),
                context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server = new TestWebhookServer(app, caPem, address.Port);
        return server;
    }

    public static JsonObject Allow() => new() { ["allowed"] = true };

    public static JsonObject Deny(string message, int code = 403) =>
        new() { ["allowed"] = false, ["status"] = new JsonObject { ["code"] = code, ["message"] = message } };

    /// <summary>An allowed response carrying a JSONPatch.</summary>
    public static JsonObject Patch(string jsonPatch) => new()
    {
        ["allowed"] = true,
        ["patchType"] = "JSONPatch",
        ["patch"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(jsonPatch)),
    };

    /// <summary>A loopback URL where nothing listens (a port just released).</summary>
    public static Uri DeadUrl()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"https://127.0.0.1:{port}/");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static X509Certificate2 SelfSigned(string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test-webhook", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
    }
}
