using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Apps;

/// <summary>Checks of the pod template that the apps workloads share.</summary>
internal static class WorkloadTemplates
{
    /// <summary>
    /// The pods of a Deployment, ReplicaSet, StatefulSet or DaemonSet restart Always (ValidatePodTemplateSpecForReplicaSet
    /// and friends): "spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"".
    /// </summary>
    public static void RestartAlways(JsonObject spec, List<FieldError> errors)
    {
        if (spec["template"]?["spec"] is JsonObject podSpec && podSpec.GetString("restartPolicy") is { } policy && policy != "Always")
        {
            errors.Add(FieldError.NotSupported("spec.template.spec.restartPolicy", policy, ["Always"]));
        }
    }
}
