using System.Text.Json.Nodes;
using FakeApiServer.Admission;
using FakeApiServer.Registry;

namespace FakeApiServer.Tests.Admission;

/// <summary>Admission requests for plugin unit tests.</summary>
internal static class AdmissionTestRequests
{
    public static readonly ResourceDefinition Pods = new("", "v1", "Pod", "pods", Namespaced: true) { Strategy = new ResourceStrategy(hasStatus: true) };

    public static readonly ResourceDefinition Namespaces = new("", "v1", "Namespace", "namespaces", Namespaced: false) { Strategy = new ResourceStrategy(hasStatus: true) };

    public static readonly ResourceDefinition PodNetworks =
        new("networking.k8s.io", "v1alpha1", "PodNetwork", "podnetworks", Namespaced: false) { Strategy = new ResourceStrategy(hasStatus: true) };

    public static readonly ResourceDefinition Deployments = new("apps", "v1", "Deployment", "deployments", Namespaced: true) { Strategy = new ResourceStrategy(hasStatus: true) };

    public static AdmissionRequest Request(
        AdmissionOperation operation, ResourceDefinition definition, JsonObject? obj, string name = "", string subresource = "", JsonObject? oldObj = null) => new()
    {
        Operation = operation,
        Definition = definition,
        Subresource = subresource,
        Namespace = definition.Namespaced ? "default" : "",
        Name = name,
        Object = obj,
        OldObject = oldObj,
    };

    public static JsonObject Pod(string spec, string name = "web") =>
        (JsonObject)JsonNode.Parse($$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{name}}"},"spec":{{spec}}}""")!;
}
