using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// The default class among cluster-scoped class objects (StorageClass, IngressClass): those annotated
/// <c>&lt;annotation&gt;: "true"</c>; of several, the newest wins, ties by name (upstream's DefaultStorageClass and
/// DefaultIngressClass since Kubernetes 1.26 and 1.28).
/// </summary>
internal static class DefaultClass
{
    public static JsonObject? Newest(IRevisionedStore store, string prefix, string annotation) =>
        store.Latest.Range(prefix)
            .Select(s => ObjectJson.Parse(s.Value))
            .Where(c => c.Metadata()["annotations"]?[annotation]?.GetValue<string>() == "true")
            .OrderByDescending(c => c.Metadata().GetString("creationTimestamp"), StringComparer.Ordinal)
            .ThenBy(c => c.Name(), StringComparer.Ordinal)
            .FirstOrDefault();
}
