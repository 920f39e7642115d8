using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// kube-apiserver's DefaultTolerationSeconds: pods (create and update, not subresources) that do not tolerate the
/// node.kubernetes.io/not-ready or unreachable NoExecute taints get a toleration of each for 300 seconds.
/// </summary>
internal sealed class DefaultTolerationSecondsPlugin : IMutatingAdmissionPlugin
{
    public const string PluginName = "DefaultTolerationSeconds";

    public const string NotReadyTaint = "node.kubernetes.io/not-ready";

    public const string UnreachableTaint = "node.kubernetes.io/unreachable";

    /// <summary>Upstream's --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds.</summary>
    public const long DefaultSeconds = 300;

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) =>
        request.Operation is AdmissionOperation.Create or AdmissionOperation.Update && request.IsResource("", "pods");

    public ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object is not { } pod)
        {
            return ValueTask.CompletedTask;
        }

        if (pod["spec"] is not JsonObject spec)
        {
            spec = [];
            pod["spec"] = spec;
        }

        var tolerations = spec["tolerations"] as JsonArray;
        var existing = tolerations?.OfType<JsonObject>().ToList() ?? [];
        var toleratesNotReady = existing.Any(t => Tolerates(t, NotReadyTaint));
        var toleratesUnreachable = existing.Any(t => Tolerates(t, UnreachableTaint));
        if (toleratesNotReady && toleratesUnreachable)
        {
            return ValueTask.CompletedTask;
        }

        if (tolerations is null)
        {
            tolerations = [];
            spec["tolerations"] = tolerations;
        }

        if (!toleratesNotReady)
        {
            tolerations.Add(Toleration(NotReadyTaint));
        }

        if (!toleratesUnreachable)
        {
            tolerations.Add(Toleration(UnreachableTaint));
        }

        return ValueTask.CompletedTask;
    }

    private static bool Tolerates(JsonObject toleration, string taint) =>
        (toleration.GetString("key") is null or "" || toleration.GetString("key") == taint)
        && (toleration.GetString("effect") is null or "" or "NoExecute");

    private static JsonObject Toleration(string taint) => new()
    {
        ["key"] = taint,
        ["operator"] = "Exists",
        ["effect"] = "NoExecute",
        ["tolerationSeconds"] = DefaultSeconds,
    };
}
