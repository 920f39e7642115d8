using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.Pods;

/// <summary>
/// pods/resize (upstream's podResizeStrategy, 1.33): a write changes the resources and resizePolicy of existing containers
/// (and of restartable init containers) and nothing else; every other change is dropped, as dropNonResizeUpdates does.
/// ValidatePodResize's rules apply: containers may not be added, removed, renamed or reordered; a request or limit may not
/// be removed; only cpu and memory may change; the QoS class may not change; pods with pod-level resources, static pods and
/// Windows pods cannot be resized; a pod whose running container reports no resources runs on a node without resize support.
/// </summary>
internal sealed class PodResizeStrategy(PodStrategy main) : StatusStrategy(main)
{
    /// <summary>A change of the pod spec through this subresource bumps the generation (upstream's updatePodGeneration).</summary>
    public override bool TracksGeneration => true;

    private const string MirrorPodAnnotation = "kubernetes.io/config.mirror";

    private static readonly string[] ContainerLists = ["containers", "initContainers"];

    private static readonly string[] Mutable = ["cpu", "memory"];

    public override void PrepareForUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var requested = newObj["spec"]?.DeepClone() as JsonObject;
        RestoreStored(newObj, oldObj);
        if (newObj["spec"] is not JsonObject spec || requested is null)
        {
            return;
        }

        foreach (var list in ContainerLists)
        {
            var stored = (spec[list] as JsonArray ?? []).OfType<JsonObject>().ToList();
            foreach (var container in (requested[list] as JsonArray ?? []).OfType<JsonObject>())
            {
                // A container the pod does not have is left to validation (which compares the lists as sent).
                if (stored.FirstOrDefault(c => c.GetString("name") == container.GetString("name")) is { } target)
                {
                    ResourceStrategy.CopyProperty(container, target, "resources");
                    ResourceStrategy.CopyProperty(container, target, "resizePolicy");
                }
            }
        }
    }

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj)
    {
        var errors = new List<FieldError>(Main.Validate(newObj));
        var oldSpec = oldObj["spec"] as JsonObject ?? [];
        var newSpec = newObj["spec"] as JsonObject ?? [];
        if (IsSet(oldSpec["resources"]) || IsSet(newSpec["resources"]))
        {
            return [FieldError.Forbidden("", "pods with pod-level resources cannot be resized")];
        }

        if (oldObj.Metadata()["annotations"]?[MirrorPodAnnotation] is not null)
        {
            return [FieldError.Forbidden("", "static pods cannot be resized")];
        }

        if (oldSpec["os"]?["name"]?.GetValue<string>() == "windows")
        {
            return [FieldError.Forbidden("", "windows pods cannot be resized")];
        }

        var oldQos = oldObj["status"]?["qosClass"]?.GetValue<string>() is { Length: > 0 } stored ? stored : PodDefaults.QosClass(oldSpec);
        if (oldQos != PodDefaults.QosClass(newSpec))
        {
            errors.Add(FieldError.Invalid("spec", newObj["status"]?["qosClass"]?.GetValue<string>() ?? "", "Pod QOS Class may not change as a result of resizing"));
        }

        if (!NodeSupportsResize(oldObj))
        {
            errors.Add(FieldError.Forbidden("spec", "Pod running on node without support for resize"));
        }

        // ValidatePodResize's order: the containers must line up before their resources are compared.
        // After PrepareForUpdate the lists are the stored ones, so this check only fails when the stored pod changed shape.
        var ordering = new List<FieldError>();
        foreach (var list in ContainerLists)
        {
            var olds = oldSpec[list] as JsonArray ?? [];
            var news = newSpec[list] as JsonArray ?? [];
            if (olds.Count != news.Count)
            {
                ordering.Add(FieldError.Forbidden($"spec.{list}", "containers may not be added or removed on resize"));
                continue;
            }

            for (var i = 0; i < olds.Count; i++)
            {
                if (olds[i]?["name"]?.GetValue<string>() != news[i]?["name"]?.GetValue<string>())
                {
                    ordering.Add(FieldError.Forbidden($"spec.{list}[{i}].name", "containers may not be renamed or reordered on resize"));
                }
            }
        }

        errors.AddRange(ordering);
        if (ordering.Count > 0)
        {
            return errors;
        }

        foreach (var list in ContainerLists)
        {
            var olds = oldSpec[list] as JsonArray ?? [];
            for (var i = 0; i < olds.Count; i++)
            {
                if (list == "initContainers" && olds[i]?["restartPolicy"]?.GetValue<string>() != "Always")
                {
                    continue;
                }

                foreach (var kind in new[] { "requests", "limits" })
                {
                    var newList = newSpec[list]![i]?["resources"]?[kind] as JsonObject;
                    foreach (var (resource, _) in olds[i]?["resources"]?[kind] as JsonObject ?? [])
                    {
                        if (newList?[resource] is null)
                        {
                            errors.Add(FieldError.Forbidden($"spec.{list}[{i}].resources.{kind}[{resource}]", "resource removal is not supported"));
                        }
                    }
                }
            }
        }

        if (!JsonNode.DeepEquals(WithoutCpuAndMemoryChanges(newSpec, oldSpec), oldSpec))
        {
            errors.Add(FieldError.Forbidden("spec", "only cpu and memory resources are mutable"));
        }

        return errors;
    }

    /// <summary>
    /// The new spec with each container's cpu and memory (and resize policy) put back as stored: what is left differs from
    /// the stored spec only where something other than cpu and memory changed.
    /// </summary>
    private static JsonObject WithoutCpuAndMemoryChanges(JsonObject newSpec, JsonObject oldSpec)
    {
        var spec = (JsonObject)newSpec.DeepClone();
        foreach (var list in ContainerLists)
        {
            var olds = oldSpec[list] as JsonArray ?? [];
            var news = spec[list] as JsonArray ?? [];
            for (var i = 0; i < news.Count && i < olds.Count; i++)
            {
                if (news[i] is not JsonObject container || olds[i] is not JsonObject old)
                {
                    continue;
                }

                var resources = new JsonObject();
                foreach (var kind in new[] { "limits", "requests" })
                {
                    if (old["resources"]?[kind] is not JsonObject oldList)
                    {
                        continue;
                    }

                    var merged = (container["resources"]?[kind] as JsonObject)?.DeepClone() as JsonObject ?? [];
                    foreach (var resource in Mutable)
                    {
                        merged.Remove(resource);
                        if (oldList[resource] is { } value)
                        {
                            merged[resource] = value.DeepClone();
                        }
                    }

                    resources[kind] = merged;
                }

                ResourceStrategy.CopyProperty(old, container, "resizePolicy");
                if (resources.Count > 0 || old["resources"] is not null)
                {
                    container["resources"] = resources;
                }
                else
                {
                    container.Remove("resources");
                }
            }
        }

        return spec;
    }

    /// <summary>upstream's isPodResizeRequestSupported: a running container that reports no resources means the node cannot resize.</summary>
    private static bool NodeSupportsResize(JsonObject pod)
    {
        foreach (var status in (pod["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (status["state"]?["running"] is not null)
            {
                return status["resources"] is not null;
            }
        }

        return true;
    }

    private static bool IsSet(JsonNode? node) => node is JsonObject { Count: > 0 };
}
