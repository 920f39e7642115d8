using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Scheduling;

/// <summary>
/// The scheduler's PodNetwork prefilter (KEP-3698, spec section 5): every spec.networks entry must resolve to a
/// PodNetwork that exists, is not being deleted, and is enabled; an entry naming a PodNetworkAttachment resolves
/// through the attachment in the pod's namespace (which must exist and not be terminating).
/// </summary>
internal static class PodNetworkPrefilter
{
    public const string MustExistMessage = "PodNetworks referred in the pod must exist";

    public const string MustBeEnabledMessage = "PodNetworks referred in the pod must be enabled";

    /// <summary>Null when every network resolves and is enabled, else the unschedulable message.</summary>
    /// <param name="pod">The pod.</param>
    /// <param name="podNetwork">Reads a PodNetwork by name (null when missing).</param>
    /// <param name="attachment">Reads a PodNetworkAttachment by namespace and name (null when missing).</param>
    public static string? Check(JsonObject pod, Func<string, JsonObject?> podNetwork, Func<string, string, JsonObject?> attachment)
    {
        foreach (var entry in (pod["spec"]?["networks"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var networkName = entry.GetString("podNetworkName");
            if (entry.GetString("podNetworkAttachmentName") is { Length: > 0 } attachmentName)
            {
                var resolved = attachment(pod.Namespace(), attachmentName);
                if (resolved is null || resolved.HasDeletionTimestamp())
                {
                    return MustExistMessage;
                }

                networkName = resolved["spec"]?["podNetworkName"]?.GetValue<string>();
            }

            var network = string.IsNullOrEmpty(networkName) ? null : podNetwork(networkName);
            if (network is null || network.HasDeletionTimestamp())
            {
                return MustExistMessage;
            }

            if (network["spec"]?["enabled"]?.GetValueKind() == System.Text.Json.JsonValueKind.False)
            {
                return MustBeEnabledMessage;
            }
        }

        return null;
    }
}
