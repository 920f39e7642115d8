using System.Text.Json.Nodes;

namespace FakeApiServer.Controllers.NodeLifecycle;

/// <summary>
/// What the node lifecycle controller last saw of a node (upstream's nodeHealthData): when it last heard from the
/// kubelet by its own clock (<see cref="ProbeTimestamp"/>: a new status heartbeat or lease renewal), when Ready last
/// changed, the Ready condition as then observed, and the lease's renewTime. Times are the controller's, never the
/// kubelet's, so a skewed node clock does not matter.
/// </summary>
internal sealed record NodeHealth(DateTimeOffset ProbeTimestamp, DateTimeOffset ReadyTransitionTimestamp, JsonObject? Ready, DateTimeOffset? LeaseRenewTime);
