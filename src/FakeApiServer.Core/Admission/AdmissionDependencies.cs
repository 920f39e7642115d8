using FakeApiServer.Admission.Webhooks;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Admission;

/// <summary>What the plugins need from the server: the store (namespaces, webhook configurations), webhook options, clock and log.</summary>
internal sealed record AdmissionDependencies(IRevisionedStore Store, WebhookOptions Webhooks, TimeProvider Time, ILogger Logger)
{
    /// <summary>The plugins' configurations from --admission-control-config-file.</summary>
    public AdmissionPluginConfigurations Configurations { get; init; } = AdmissionPluginConfigurations.Empty;
}
