using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Networking.PodNetworks;

/// <summary>
/// networking.k8s.io/v1alpha1 PodNetwork with Kubernetes conventions (which the fork's strategy skipped): status
/// cleared on create and kept on main-resource updates (generation 1, bumped when spec
/// changes); spec.enabled defaulted to true and always written; provider and parametersRefs immutable.
/// </summary>
internal sealed class PodNetworkStrategy() : ResourceStrategy(hasStatus: true)
{
    /// <summary>Kubernetes conventions (docs/multinetwork spec), not the fork: generation 1 on create, bumped when spec changes.</summary>
    public override bool TracksGeneration => true;

    public override IReadOnlyList<FieldError> Validate(JsonObject obj) => PodNetworkValidation.Validate(obj);

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj) =>
        PodNetworkValidation.ValidateUpdate(newObj, oldObj);

    /// <summary>
    /// enabled "defaults to true" (the KEP and the type's doc). It is always written, false included, so a client that
    /// reads the object and writes it back never flips it (the fork omitted false and had no default).
    /// </summary>
    internal static void DefaultEnabled(JsonObject obj)
    {
        if (obj["spec"] is not JsonObject spec)
        {
            spec = [];
            obj["spec"] = spec;
        }

        if (spec["enabled"] is null)
        {
            spec["enabled"] = true;
        }
    }
}
