namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// The simulated kubelet refused a stream before it started (its container is not running, its pod has no sandbox).
/// The kubelet answers such a request with its error as plain text and status 500, which the API server passes on
/// unchanged (kubectl: "unable to upgrade connection: container not found ("main")"); through the API server's v5
/// stream translator it becomes an InternalError Status on the error channel instead.
/// </summary>
public sealed class KubeletRefusalException(string message) : Exception(message);
