namespace FakeApiServer.Admission;

/// <summary>
/// A mutating admission plugin (admission.MutationInterface): runs before the registry strategy and may change
/// <see cref="AdmissionRequest.Object"/> in place (or replace it). Throws an <see cref="Api.ApiException"/> to refuse.
/// </summary>
internal interface IMutatingAdmissionPlugin
{
    /// <summary>The plugin's name in --enable-admission-plugins.</summary>
    string Name { get; }

    /// <summary>Whether the plugin wants the request (operation, resource, subresource); cheap and synchronous.</summary>
    bool Handles(AdmissionRequest request);

    ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken);
}
