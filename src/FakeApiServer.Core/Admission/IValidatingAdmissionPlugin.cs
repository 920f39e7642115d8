namespace FakeApiServer.Admission;

/// <summary>
/// A validating admission plugin (admission.ValidationInterface): runs after the registry strategy validated the
/// object, never changes it, and throws an <see cref="Api.ApiException"/> to refuse.
/// </summary>
internal interface IValidatingAdmissionPlugin
{
    /// <summary>The plugin's name in --enable-admission-plugins.</summary>
    string Name { get; }

    /// <summary>Whether the plugin wants the request (operation, resource, subresource); cheap and synchronous.</summary>
    bool Handles(AdmissionRequest request);

    ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken);
}
