using System.Text;
using FakeApiServer.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FakeApiServer.Api.Metrics;

/// <summary>GET /metrics: the server's metrics in the Prometheus text exposition format, as kube-apiserver serves them.</summary>
internal static class MetricsEndpoint
{
    /// <summary>The content type of the Prometheus text format that kube-apiserver answers with.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static void MapMetrics(this IEndpointRouteBuilder routes, FeatureGates gates)
    {
        // The gates never change while the server runs, so the document is built once.
        var text = new StringBuilder();
        FeatureMetrics.Write(text, gates);
        var body = Encoding.UTF8.GetBytes(text.ToString());
        routes.MapGet("/metrics", async (HttpContext c) =>
        {
            c.Response.StatusCode = 200;
            c.Response.ContentType = ContentType;
            await c.Response.Body.WriteAsync(body, c.RequestAborted);
        });
    }
}
