using System.Text.Json.Nodes;
using FakeApiServer.Admission;
using FakeApiServer.Registry;

namespace FakeApiServer.Quota;

/// <summary>
/// The services evaluator: count/services and services per service, services.loadbalancers per LoadBalancer, and
/// services.nodeports per port of a NodePort or LoadBalancer service; creates and updates (the type can change).
/// </summary>
internal sealed class ServiceEvaluator() : QuotaEvaluator("", "services")
{
    private static readonly string[] Resources = ["count/services", "services", "services.loadbalancers", "services.nodeports"];

    public override bool Handles(AdmissionRequest request) =>
        request.Operation is AdmissionOperation.Create or AdmissionOperation.Update;

    public override IReadOnlyList<string> MatchingResources(IEnumerable<string> names) => [.. names.Where(Resources.Contains)];

    public override QuantityList Usage(JsonObject obj, DateTimeOffset now)
    {
        var ports = (obj["spec"]?["ports"] as JsonArray)?.Count ?? 0;
        var type = (obj["spec"] as JsonObject)?.GetString("type");
        return new QuantityList
        {
            ["count/services"] = ResourceAmount.One,
            ["services"] = ResourceAmount.One,
            ["services.loadbalancers"] = ResourceAmount.Of(type == "LoadBalancer" ? 1 : 0),
            ["services.nodeports"] = ResourceAmount.Of(type is "NodePort" or "LoadBalancer" ? ports : 0),
        };
    }

    /// <summary>GetQuotaServiceType: the type that counts for quota ("" for the others).</summary>
    public static string QuotaServiceType(JsonObject service) =>
        (service["spec"] as JsonObject)?.GetString("type") switch
        {
            "NodePort" => "NodePort",
            "LoadBalancer" => "LoadBalancer",
            _ => "",
        };
}
