using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.Pods;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Apps.ReplicaSets;

/// <summary>apps/v1 SetDefaults_ReplicaSet: replicas 1; the template's pod spec as every pod spec.</summary>
internal static class ReplicaSetDefaults
{
    public static readonly IResourceDefaulter Instance = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is JsonObject spec)
        {
            spec["replicas"] ??= 1;
            PodDefaults.ApplyTemplate(spec["template"]);
        }
    });
}
