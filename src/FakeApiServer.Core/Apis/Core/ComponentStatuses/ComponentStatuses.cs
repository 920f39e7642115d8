using System.Text.Json.Nodes;

namespace FakeApiServer.Apis.Core.ComponentStatuses;

/// <summary>
/// The components kube-apiserver reports through core/v1 componentstatuses (deprecated upstream, still served): the
/// scheduler, the controller manager and etcd. Everything runs in this process, so each is Healthy with upstream's
/// message; the server writes them at start, and the resource serves only get and list.
/// </summary>
internal static class ComponentStatuses
{
    public static IEnumerable<JsonObject> Objects() =>
    [
        Component("controller-manager", "ok"),
        Component("etcd-0", """{"health":"true","reason":""}"""),
        Component("scheduler", "ok"),
    ];

    private static JsonObject Component(string name, string message) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name },
        ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Healthy", ["status"] = "True", ["message"] = message }),
    };
}
