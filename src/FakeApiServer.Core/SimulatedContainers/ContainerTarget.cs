using System.Text.Json.Nodes;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// The container a pods/exec or pods/attach request addresses (or, for pods/portforward, the pod, with
/// <see cref="Container"/> ""), resolved and checked before the connection is upgraded.
/// <see cref="Pod"/> is the pod as read from the store when the request arrived.
/// </summary>
internal sealed record ContainerTarget(string Namespace, string Name, string Uid, string Container, JsonObject Pod);
