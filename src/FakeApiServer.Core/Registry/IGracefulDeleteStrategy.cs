using System.Text.Json.Nodes;

namespace FakeApiServer.Registry;

/// <summary>
/// A strategy whose objects are deleted gracefully, as upstream's RESTGracefulDeleteStrategy (pods): a delete first
/// sets metadata.deletionTimestamp (now + the grace period) and deletionGracePeriodSeconds, and whoever runs the object
/// (the kubelet) finishes it with a delete of grace period 0. A period of 0 deletes at once. Pure, like every strategy.
/// </summary>
internal interface IGracefulDeleteStrategy
{
    /// <summary>
    /// The grace period in seconds for deleting <paramref name="obj"/>, given the period the client asked for (null:
    /// none), as upstream's CheckGracefulDelete; 0 deletes at once.
    /// </summary>
    long GracePeriodSeconds(JsonObject obj, long? requested);
}
