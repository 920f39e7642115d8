using FakeApiServer.Features;
using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers;

/// <summary>What every controller is built from: the registry, the store it watches, the clock, gates, events and logging.</summary>
internal sealed record ControllerContext(
    ResourceCatalog Catalog,
    IRevisionedStore Store,
    TimeProvider Time,
    FeatureGates FeatureGates,
    EventRecorder Events,
    ILoggerFactory LoggerFactory);
