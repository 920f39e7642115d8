using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.Pods;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.ReplicationControllers;

/// <summary>
/// core/v1 SetDefaults_ReplicationController: an empty selector and empty labels become the template's labels, replicas
/// defaults to 1; the template's pod spec as every pod spec.
/// </summary>
internal static class ReplicationControllerDefaults
{
    public static readonly IResourceDefaulter Instance = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is not JsonObject spec)
        {
            return;
        }

        if (spec["template"]?["metadata"]?["labels"] is JsonObject labels)
        {
            if (spec["selector"] is not JsonObject { Count: > 0 })
            {
                spec["selector"] = labels.DeepClone();
            }

            if (obj.Metadata()["labels"] is not JsonObject { Count: > 0 })
            {
                obj.Metadata()["labels"] = labels.DeepClone();
            }
        }

        spec["replicas"] ??= 1;
        PodDefaults.ApplyTemplate(spec["template"]);
    });
}
