using System.Text;
using FakeApiServer.Features;

namespace FakeApiServer.Api.Metrics;

/// <summary>GET /metrics: the server's metrics in the Prometheus text exposition format, as kube-apiserver serves them.</summary>
internal static class MetricsEndpoint
{
    /// <summary>The content type of the Prometheus text format that kube-apiserver answers with.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The document: the gates never change while the server runs, so it is built once.</summary>
    public static byte[] Document(FeatureGates gates)
    {
        var text = new StringBuilder();
        FeatureMetrics.Write(text, gates);
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
