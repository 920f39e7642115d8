using System.Text.Json.Nodes;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Controllers.Scheduling;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.PersistentVolumes;

/// <summary>
/// Which PersistentVolume a claim may bind to, as the PV controller's index (FindMatchingVolume and
/// CheckVolumeSatisfyClaim): the same storage class (spec.storageClassName, else the beta annotation, else ""), the same
/// volumeMode, every access mode the claim asks for, at least the requested storage, and the claim's selector; of the
/// Available volumes that fit, the smallest wins; a volume already pre-bound to the claim (claimRef) wins outright.
/// </summary>
internal static class VolumeMatching
{
    public const string BetaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";

    /// <summary>The claim's class name ("" for none): GetPersistentVolumeClaimClass.</summary>
    public static string ClaimClass(JsonObject claim) =>
        claim.Metadata()["annotations"]?[BetaStorageClassAnnotation]?.GetValue<string>()
        ?? claim["spec"]?["storageClassName"]?.GetValue<string>()
        ?? "";

    /// <summary>The volume's class name ("" for none): GetPersistentVolumeClass.</summary>
    public static string VolumeClass(JsonObject volume) =>
        volume.Metadata()["annotations"]?[BetaStorageClassAnnotation]?.GetValue<string>()
        ?? volume["spec"]?["storageClassName"]?.GetValue<string>()
        ?? "";

    /// <summary>The claim's spec.resources.requests.storage in bytes (0 when missing).</summary>
    public static decimal RequestedStorage(JsonObject claim) =>
        PodResources.Amounts(claim["spec"]?["resources"]?["requests"] as JsonObject).GetValueOrDefault("storage");

    /// <summary>The volume's spec.capacity.storage in bytes (0 when missing).</summary>
    public static decimal Capacity(JsonObject volume) =>
        PodResources.Amounts(volume["spec"]?["capacity"] as JsonObject).GetValueOrDefault("storage");

    /// <summary>Whether the volume's claimRef names this claim (by uid, or by namespace and name when the uid is not set yet).</summary>
    public static bool IsPreBoundTo(JsonObject volume, JsonObject claim) =>
        volume["spec"]?["claimRef"] is JsonObject claimRef
        && claimRef.GetString("name") == claim.Name() && claimRef.GetString("namespace") == claim.Namespace()
        && (string.IsNullOrEmpty(claimRef.GetString("uid")) || claimRef.GetString("uid") == claim.Uid());

    /// <summary>
    /// Why the volume cannot serve the claim (checkVolumeSatisfyClaim), or null when it can: capacity, class, volume
    /// mode and access modes.
    /// </summary>
    public static string? Mismatch(JsonObject volume, JsonObject claim)
    {
        if (Capacity(volume) < RequestedStorage(claim))
        {
            return "requested PV is too small";
        }

        if (VolumeClass(volume) != ClaimClass(claim))
        {
            return "storageClassName does not match";
        }

        if (VolumeMode(volume) != VolumeMode(claim))
        {
            return "incompatible volumeMode";
        }

        return AccessModes(claim).IsSubsetOf(AccessModes(volume)) ? null : "incompatible accessMode";
    }

    /// <summary>
    /// The best Available volume for an unbound claim, or null. With <paramref name="delayBinding"/> (a
    /// WaitForFirstConsumer class) and no <paramref name="node"/>, only a volume pre-bound to the claim is returned: the
    /// scheduler picks the rest, passing the node it considers (a volume's node affinity must then admit that node).
    /// </summary>
    public static JsonObject? FindBestMatch(JsonObject claim, IEnumerable<JsonObject> volumes, bool delayBinding, JsonObject? node = null)
    {
        var requested = RequestedStorage(claim);
        var wantedModes = AccessModes(claim);
        var selector = claim["spec"]?["selector"] is JsonObject s ? LabelSelector.FromLabelSelectorObject(s) : null;
        var claimClass = ClaimClass(claim);
        JsonObject? best = null;
        foreach (var volume in volumes.OrderBy(v => v.Name(), StringComparer.Ordinal))
        {
            if (VolumeMode(volume) != VolumeMode(claim) || !wantedModes.IsSubsetOf(AccessModes(volume)) || Capacity(volume) < requested)
            {
                continue;
            }

            var affinityFits = node is null || AdmitsNode(volume, node);
            if (IsPreBoundTo(volume, claim))
            {
                return affinityFits ? volume : null;
            }

            if ((delayBinding && node is null) || !affinityFits || volume["spec"]?["claimRef"] is JsonObject || volume.HasDeletionTimestamp()
                || volume["status"]?["phase"]?.GetValue<string>() != "Available")
            {
                continue;
            }

            if (VolumeClass(volume) != claimClass || (selector is not null && !selector.Matches(volume.Labels())))
            {
                continue;
            }

            if (best is null || Capacity(volume) < Capacity(best))
            {
                best = volume;
            }
        }

        return best;
    }

    /// <summary>Whether the volume's spec.nodeAffinity.required (if any) admits <paramref name="node"/>.</summary>
    public static bool AdmitsNode(JsonObject volume, JsonObject node) =>
        volume["spec"]?["nodeAffinity"]?["required"]?["nodeSelectorTerms"] is not JsonArray terms || NodeAffinity.MatchesTerms(terms, node);

    /// <summary>A volume's spec.claimRef to <paramref name="claim"/> (with its uid and resourceVersion).</summary>
    public static JsonObject ClaimRef(JsonObject claim) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "PersistentVolumeClaim",
        ["name"] = claim.Name(),
        ["namespace"] = claim.Namespace(),
        ["resourceVersion"] = claim.Metadata().GetString("resourceVersion"),
        ["uid"] = claim.Uid(),
    };

    /// <summary>spec.volumeMode, Filesystem when unset.</summary>
    public static string VolumeMode(JsonObject obj) => obj["spec"]?["volumeMode"]?.GetValue<string>() ?? "Filesystem";

    /// <summary>spec.accessModes as a set.</summary>
    public static HashSet<string> AccessModes(JsonObject obj) =>
        (obj["spec"]?["accessModes"] as JsonArray ?? []).Select(m => m?.GetValue<string>() ?? "").ToHashSet(StringComparer.Ordinal);
}
