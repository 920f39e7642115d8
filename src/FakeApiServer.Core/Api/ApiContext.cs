using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Api;

/// <summary>What request handlers share: the catalog of served resources, the store, the clock, the protobuf codec and the server's lifetime.</summary>
internal sealed class ApiContext
{
    public ApiContext(ResourceCatalog catalog, IRevisionedStore store, TimeProvider time, ILogger logger, ProtobufResponses protobuf, CancellationToken stopping)
    {
        Protobuf = protobuf;
        Catalog = catalog;
        Store = store;
        Time = time;
        Logger = logger;
        Stopping = stopping;
    }

    public ResourceCatalog Catalog { get; }

    public IRevisionedStore Store { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    /// <summary>The protobuf codec and the per-object cache of its encodings.</summary>
    public ProtobufResponses Protobuf { get; }

    /// <summary>Service account issuer discovery (/.well-known/openid-configuration, /openid/v1/jwks), or null when not served.</summary>
    public Security.ServiceAccounts.OpenIdMetadata? OpenIdMetadata { get; init; }

    /// <summary>What the simulated containers do on exec, attach and port-forward.</summary>
    public SimulatedContainers.IContainerRuntime Containers { get; init; } = new SimulatedContainers.UnscriptedContainerRuntime();

    /// <summary>The simulated containers' logs pods/log reads, which the simulated kubelet writes (the controllers' instance).</summary>
    public SimulatedContainers.Logs.ContainerLogStore ContainerLogs { get; init; } = new(TimeProvider.System);

    /// <summary>The requests the server serves, for whoever observes them (request log, metrics, audit, recording, console).</summary>
    public Observability.RequestFeed Requests { get; } = new();

    /// <summary>The watch stream's metrics, or null when metrics are off.</summary>
    public Observability.Metrics.WatchMetrics? WatchMetrics { get; init; }

    /// <summary>The handler of GET /metrics when metrics are on (the exporter's); null: the feature gates alone.</summary>
    public RequestDelegate? MetricsEndpoint { get; init; }

    /// <summary>Fires when the server shuts down: watch streams end cleanly on it.</summary>
    public CancellationToken Stopping { get; }
}
