using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Apis.Core.Pods;

/// <summary>
/// Assigns a pod to a node as pods/binding does (pkg/registry/core/pod/storage.go assignPod): sets spec.nodeName and
/// the PodScheduled=True condition in one write; a pod being deleted or already bound is a 409. Shared by the binding
/// verb and the in-process scheduler, so both go through the same registry write.
/// </summary>
internal static class PodBinding
{
    public static Task<StoredObject> BindAsync(
        ResourceStore pods, string ns, string name, string node, TimeProvider time, WriteOptions options, CancellationToken cancellationToken)
    {
        var now = ObjectMeta.FormatTime(time.GetUtcNow());
        return pods.UpdateAsync(ns, name, pod =>
        {
            pod.Metadata().Remove("resourceVersion");
            if (pod.HasDeletionTimestamp())
            {
                throw ApiException.ConflictWith(pods.Definition.GroupResource, name, "pod is being deleted, cannot be assigned to a host");
            }

            var spec = pod["spec"] as JsonObject ?? [];
            if (spec.GetString("nodeName") is { Length: > 0 } assigned)
            {
                throw ApiException.ConflictWith(pods.Definition.GroupResource, name, $"pod {name} is already assigned to node \"{assigned}\"");
            }

            spec["nodeName"] = node;
            pod["spec"] = spec;
            var status = pod["status"] as JsonObject ?? [];
            var conditions = status["conditions"] as JsonArray ?? [];
            foreach (var existing in conditions.OfType<JsonObject>().Where(c => c.GetString("type") == "PodScheduled").ToList())
            {
                conditions.Remove(existing);
            }

            conditions.Add(new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastProbeTime"] = null, ["lastTransitionTime"] = now });
            status["conditions"] = conditions;
            pod["status"] = status;
            return pod;
        }, BindingStrategy.Instance, options, cancellationToken);
    }

    /// <summary>Binding changes exactly what it sets: spec.nodeName and the PodScheduled condition.</summary>
    private sealed class BindingStrategy : ResourceStrategy
    {
        public static readonly BindingStrategy Instance = new();

        private BindingStrategy()
            : base(hasStatus: false)
        {
        }
    }
}
