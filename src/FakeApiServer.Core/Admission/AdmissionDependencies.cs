using FakeApiServer.Admission.Webhooks;
using FakeApiServer.Registry;
using FakeApiServer.Security.Authorization;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Admission;

/// <summary>What the plugins need from the server: the store (namespaces, webhook configurations), webhook options, clock and log.</summary>
internal sealed record AdmissionDependencies(IRevisionedStore Store, WebhookOptions Webhooks, TimeProvider Time, ILogger Logger)
{
    /// <summary>The server's authorizer, for the CEL authorizer library of admission policies.</summary>
    public IAuthorizer Authorizer { get; init; } = new AlwaysAllowAuthorizer();

    /// <summary>The served resource of an API group and kind (a policy's paramKind), or null when none is served.</summary>
    public Func<string, string, ResourceDefinition?> Kinds { get; init; } = (_, _) => null;
}
