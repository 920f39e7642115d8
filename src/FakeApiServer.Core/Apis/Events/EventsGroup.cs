using FakeApiServer.Apis.Core;
using FakeApiServer.Apis.Events.Events;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Events;

/// <summary>events.k8s.io/v1.</summary>
internal static class EventsGroup
{
    public static IEnumerable<ResourceDefinition> Resources()
    {
        yield return new ResourceDefinition("events.k8s.io", "v1", "Event", "events", Namespaced: true)
        {
            ShortNames = ["ev"],
            StorageEncodingApiVersion = "v1",
            Strategy = new ResourceStrategy(hasStatus: false),
            Table = new EventsV1EventTable(),
            FieldSelectors = CoreGroup.Fields(
                ("regarding.kind", o => o.FieldString("regarding.kind") ?? ""),
                ("regarding.namespace", o => o.FieldString("regarding.namespace") ?? ""),
                ("regarding.name", o => o.FieldString("regarding.name") ?? ""),
                ("regarding.uid", o => o.FieldString("regarding.uid") ?? ""),
                ("regarding.apiVersion", o => o.FieldString("regarding.apiVersion") ?? ""),
                ("regarding.resourceVersion", o => o.FieldString("regarding.resourceVersion") ?? ""),
                ("regarding.fieldPath", o => o.FieldString("regarding.fieldPath") ?? ""),
                ("reason", o => o.GetString("reason") ?? ""),
                ("reportingController", o => o.GetString("reportingController") ?? ""),
                ("type", o => o.GetString("type") ?? "")),
        };
    }
}
