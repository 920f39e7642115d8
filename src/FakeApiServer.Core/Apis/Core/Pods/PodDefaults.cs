using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.Pods;

/// <summary>The defaults kube-apiserver's v1 defaulters write into a pod spec, and the QoS class it derives.</summary>
internal static class PodDefaults
{
    public static void Apply(JsonObject spec)
    {
        Default(spec, "restartPolicy", "Always");
        Default(spec, "dnsPolicy", "ClusterFirst");
        Default(spec, "schedulerName", "default-scheduler");
        Default(spec, "terminationGracePeriodSeconds", 30);
        Default(spec, "securityContext", new JsonObject());
        Default(spec, "enableServiceLinks", true);
        Default(spec, "preemptionPolicy", "PreemptLowerPriority");
        Default(spec, "priority", 0);
        foreach (var list in new[] { "containers", "initContainers" })
        {
            if (spec[list] is JsonArray containers)
            {
                foreach (var c in containers.OfType<JsonObject>())
                {
                    DefaultContainer(c);
                }
            }
        }
    }

    private static void DefaultContainer(JsonObject c)
    {
        var image = c.GetString("image") ?? "";
        var tag = ImageTag(image);
        Default(c, "imagePullPolicy", tag is null or "latest" ? "Always" : "IfNotPresent");
        Default(c, "terminationMessagePath", "/dev/termination-log");
        Default(c, "terminationMessagePolicy", "File");
        Default(c, "resources", new JsonObject());
        if (c["ports"] is JsonArray ports)
        {
            foreach (var p in ports.OfType<JsonObject>())
            {
                Default(p, "protocol", "TCP");
            }
        }
    }

    /// <summary>The tag of an image reference, or null when it has none (a digest counts as a tag).</summary>
    private static string? ImageTag(string image)
    {
        if (image.Contains('@', StringComparison.Ordinal))
        {
            return "digest";
        }

        var lastSlash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > lastSlash ? image[(colon + 1)..] : null;
    }

    /// <summary>BestEffort without any request or limit, Guaranteed when every container's limits equal its requests for cpu and memory, Burstable otherwise.</summary>
    public static string QosClass(JsonObject? spec)
    {
        if (spec?["containers"] is not JsonArray containers)
        {
            return "BestEffort";
        }

        var any = false;
        var guaranteed = true;
        foreach (var c in containers.OfType<JsonObject>())
        {
            var requests = c["resources"]?["requests"] as JsonObject;
            var limits = c["resources"]?["limits"] as JsonObject;
            any |= requests is { Count: > 0 } || limits is { Count: > 0 };
            foreach (var resource in new[] { "cpu", "memory" })
            {
                var limit = limits?[resource]?.ToJsonString();
                var request = requests?[resource]?.ToJsonString() ?? limit;
                if (limit is null || request != limit)
                {
                    guaranteed = false;
                }
            }
        }

        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }

    private static void Default(JsonObject obj, string property, JsonNode value)
    {
        if (obj[property] is null)
        {
            obj[property] = value;
        }
    }
}
