using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Core.Pods;

/// <summary>
/// The defaults kube-apiserver's core/v1 defaulters write into a pod (SetDefaults_Pod) and into every pod spec, a
/// template's included (SetDefaults_PodSpec, _Container, _Probe, _HTTPGetAction, _Volume and the volume sources,
/// _ObjectFieldSelector, _ServiceAccountTokenProjection), and the QoS class it derives.
/// </summary>
internal static class PodDefaults
{
    /// <summary>The defaulting of a Pod: its spec's, then what only a pod (not a template) gets.</summary>
    public static readonly IResourceDefaulter Pod = new ResourceDefaulter(obj =>
    {
        if (obj["spec"] is JsonObject spec)
        {
            ApplyPodOnly(spec);
            Apply(spec);
        }
    });

    /// <summary>
    /// SetDefaults_Pod, which upstream applies to pods and not to templates: requests default to limits, enableServiceLinks
    /// to true, a host-network pod's ports to hostPort = containerPort. priority and preemptionPolicy are not defaults:
    /// the Priority admission plugin sets them.
    /// </summary>
    private static void ApplyPodOnly(JsonObject spec)
    {
        foreach (var c in Containers(spec))
        {
            if (c["resources"]?["limits"] is JsonObject { Count: > 0 } limits && c["resources"] is JsonObject resources)
            {
                var requests = resources.ChildObject("requests");

                foreach (var (name, value) in limits)
                {
                    requests[name] ??= value?.DeepClone();
                }
            }
        }

        Default(spec, "enableServiceLinks", true);
        if (spec["hostNetwork"]?.GetValueKind() == System.Text.Json.JsonValueKind.True)
        {
            foreach (var port in Containers(spec).SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>()))
            {
                Default(port, "hostPort", port["containerPort"]?.DeepClone() ?? 0);
            }
        }
    }

    /// <summary>The pod spec defaults, for a pod's spec and a template's alike.</summary>
    public static void Apply(JsonObject spec)
    {
        Default(spec, "restartPolicy", "Always");
        Default(spec, "dnsPolicy", "ClusterFirst");
        Default(spec, "schedulerName", "default-scheduler");
        Default(spec, "terminationGracePeriodSeconds", 30);
        Default(spec, "securityContext", new JsonObject());
        foreach (var c in Containers(spec))
        {
            DefaultContainer(c);
        }

        if (spec["volumes"] is JsonArray volumes)
        {
            foreach (var volume in volumes.OfType<JsonObject>())
            {
                DefaultVolume(volume);
            }
        }
    }

    /// <summary>The pod spec of a template (spec.template.spec of a workload), defaulted when present.</summary>
    public static void ApplyTemplate(JsonNode? template)
    {
        if (template?["spec"] is JsonObject spec)
        {
            Apply(spec);
        }
    }

    private static readonly string[] ContainerLists = ["containers", "initContainers", "ephemeralContainers"];

    private static IEnumerable<JsonObject> Containers(JsonObject spec) =>
        ContainerLists.SelectMany(list => (spec[list] as JsonArray ?? []).OfType<JsonObject>());

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

        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            if (c[probe] is JsonObject p)
            {
                Default(p, "timeoutSeconds", 1);
                Default(p, "periodSeconds", 10);
                Default(p, "successThreshold", 1);
                Default(p, "failureThreshold", 3);
                DefaultHandler(p);
            }
        }

        if (c["lifecycle"] is JsonObject lifecycle)
        {
            foreach (var hook in new[] { "postStart", "preStop" })
            {
                if (lifecycle[hook] is JsonObject h)
                {
                    DefaultHandler(h);
                }
            }
        }

        foreach (var env in (c["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (env["valueFrom"]?["fieldRef"] is JsonObject fieldRef)
            {
                Default(fieldRef, "apiVersion", "v1");
            }
        }
    }

    /// <summary>SetDefaults_HTTPGetAction (path "/", scheme HTTP) and SetDefaults_GRPCAction (service "").</summary>
    private static void DefaultHandler(JsonObject handler)
    {
        if (handler["httpGet"] is JsonObject httpGet)
        {
            Default(httpGet, "path", "/");
            Default(httpGet, "scheme", "HTTP");
        }

        if (handler["grpc"] is JsonObject grpc)
        {
            Default(grpc, "service", "");
        }
    }

    /// <summary>The volume sources a pod volume may have (a volume with none of them is an emptyDir).</summary>
    private static readonly string[] VolumeSources =
    [
        "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi", "glusterfs",
        "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc", "azureFile",
        "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected", "portworxVolume",
        "scaleIO", "storageos", "csi", "ephemeral", "image",
    ];

    /// <summary>SetDefaults_Volume and the defaults of its source (mode 0644 for secret, configMap, downwardAPI, projected).</summary>
    private static void DefaultVolume(JsonObject volume)
    {
        if (!VolumeSources.Any(volume.ContainsKey))
        {
            volume["emptyDir"] = new JsonObject();
        }

        foreach (var source in new[] { "secret", "configMap", "downwardAPI", "projected" })
        {
            if (volume[source] is JsonObject s)
            {
                Default(s, "defaultMode", 420);
            }
        }

        if (volume["hostPath"] is JsonObject hostPath)
        {
            Default(hostPath, "type", "");
        }

        foreach (var item in (volume["downwardAPI"]?["items"] as JsonArray ?? []).OfType<JsonObject>())
        {
            DefaultFieldRef(item);
        }

        foreach (var projection in (volume["projected"]?["sources"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (projection["serviceAccountToken"] is JsonObject token)
            {
                Default(token, "expirationSeconds", 3600);
            }

            foreach (var item in (projection["downwardAPI"]?["items"] as JsonArray ?? []).OfType<JsonObject>())
            {
                DefaultFieldRef(item);
            }
        }

        if (volume["iscsi"] is JsonObject iscsi)
        {
            Default(iscsi, "iscsiInterface", "default");
        }

        if (volume["rbd"] is JsonObject rbd)
        {
            Default(rbd, "pool", "rbd");
            Default(rbd, "user", "admin");
            Default(rbd, "keyring", "/etc/ceph/keyring");
        }

        if (volume["azureDisk"] is JsonObject azureDisk)
        {
            Default(azureDisk, "cachingMode", "ReadWrite");
            Default(azureDisk, "fsType", "ext4");
            Default(azureDisk, "readOnly", false);
            Default(azureDisk, "kind", "Shared");
        }

        if (volume["ephemeral"]?["volumeClaimTemplate"]?["spec"] is JsonObject claimSpec)
        {
            Default(claimSpec, "volumeMode", "Filesystem");
        }
    }

    private static void DefaultFieldRef(JsonObject item)
    {
        if (item["fieldRef"] is JsonObject fieldRef)
        {
            Default(fieldRef, "apiVersion", "v1");
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

    internal static void Default(JsonObject obj, string property, JsonNode value)
    {
        if (obj[property] is null)
        {
            obj[property] = value;
        }
    }
}
