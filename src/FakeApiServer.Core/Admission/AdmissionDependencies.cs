using FakeApiServer.Admission.Webhooks;
using FakeApiServer.Registry;
using FakeApiServer.Security.Authorization;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Admission;

/// <summary>What the plugins need from the server: the store (namespaces, webhook configurations), webhook options, clock and log.</summary>
internal sealed record AdmissionDependencies(IRevisionedStore Store, WebhookOptions Webhooks, TimeProvider Time, ILogger Logger)
{
    /// <summary>The plugins' configurations from --admission-control-config-file.</summary>
    public AdmissionPluginConfigurations Configurations { get; init; } = AdmissionPluginConfigurations.Empty;

    /// <summary>The server's generator of random name suffixes (the ServiceAccount plugin's token volume names).</summary>
    public NameGenerator Names { get; init; } = new(new Random());

    /// <summary>The server's authorizer: the certificate plugins' checks of the approve and sign verbs on signers, and the CEL authorizer library of admission policies.</summary>
    public IAuthorizer Authorizer { get; init; } = new AlwaysAllowAuthorizer();

    /// <summary>The host's meter factory for the admission latencies, or null when metrics are off.</summary>
    public System.Diagnostics.Metrics.IMeterFactory? Meters { get; init; }

    /// <summary>The served resource of an API group and kind (a policy's paramKind), or null when none is served.</summary>
    public Func<string, string, ResourceDefinition?> Kinds { get; init; } = (_, _) => null;
}
