using FakeApiServer.Api;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// KEP-3698's PodNetworkProtection (listed as to-do in the prototype): the default PodNetwork "kubernetes" cannot be
/// deleted (403 <c>podnetworks "kubernetes" is forbidden: the default PodNetwork cannot be deleted</c>).
/// </summary>
internal sealed class PodNetworkProtectionPlugin : IValidatingAdmissionPlugin
{
    public const string PluginName = "PodNetworkProtection";

    public const string Message = "the default PodNetwork cannot be deleted";

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) =>
        request.Operation == AdmissionOperation.Delete && request.IsResource("networking.k8s.io", "podnetworks");

    public ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Name == PodNetworkPlugin.DefaultNetwork)
        {
            // The spec's message names the resource without its group, as the prototype's error does.
            throw new ApiException(403, "Forbidden", $"podnetworks \"{request.Name}\" is forbidden: {Message}",
                new StatusDetails(request.Name, request.Resource.Group, request.Resource.Resource));
        }

        return ValueTask.CompletedTask;
    }
}
