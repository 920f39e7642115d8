using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.Networking.PodNetworkAttachments;

/// <summary>
/// networking.k8s.io/v1alpha1 PodNetworkAttachment with Kubernetes conventions: status cleared on create and kept on
/// main-resource updates; the whole spec immutable. Namespaced: the registry requires the URL's namespace (the fork
/// forbade any namespace, a bug not copied).
/// </summary>
internal sealed class PodNetworkAttachmentStrategy() : ResourceStrategy(hasStatus: true)
{
    /// <summary>Kubernetes conventions (docs/multinetwork spec), not the fork: generation 1 on create, bumped when spec changes.</summary>
    public override bool TracksGeneration => true;

    public override IReadOnlyList<FieldError> Validate(JsonObject obj) => PodNetworkAttachmentValidation.Validate(obj);

    public override IReadOnlyList<FieldError> ValidateUpdate(JsonObject newObj, JsonObject oldObj) =>
        PodNetworkAttachmentValidation.ValidateUpdate(newObj, oldObj);
}
