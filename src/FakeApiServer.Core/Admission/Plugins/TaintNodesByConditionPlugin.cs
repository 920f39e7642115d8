using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// kube-apiserver's TaintNodesByCondition: a Node is created with the node.kubernetes.io/not-ready:NoSchedule taint
/// (unless it already has a taint of that key and effect), so nothing lands on it before the node lifecycle
/// controller has seen it Ready and removed the taint (for the simulated nodes, <see cref="Controllers.Nodes.NodeSimulator"/>).
/// </summary>
internal sealed class TaintNodesByConditionPlugin : IMutatingAdmissionPlugin
{
    public const string PluginName = "TaintNodesByCondition";

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) =>
        request.Operation == AdmissionOperation.Create && request.IsResource("", "nodes");

    public ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object is not { } node)
        {
            return ValueTask.CompletedTask;
        }

        if (node["spec"] is not JsonObject spec)
        {
            spec = [];
            node["spec"] = spec;
        }

        if (spec["taints"] is not JsonArray taints)
        {
            taints = [];
            spec["taints"] = taints;
        }

        if (!taints.OfType<JsonObject>().Any(IsNotReadyNoSchedule))
        {
            taints.Add(new JsonObject { ["key"] = DefaultTolerationSecondsPlugin.NotReadyTaint, ["effect"] = "NoSchedule" });
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Whether <paramref name="taint"/> is the not-ready NoSchedule taint (key and effect, as upstream's MatchTaint).</summary>
    public static bool IsNotReadyNoSchedule(JsonObject taint) =>
        taint.GetString("key") == DefaultTolerationSecondsPlugin.NotReadyTaint && taint.GetString("effect") == "NoSchedule";
}
