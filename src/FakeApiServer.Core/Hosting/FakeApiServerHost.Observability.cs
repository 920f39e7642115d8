using System.Diagnostics.Metrics;
using FakeApiServer.Api.Metrics;
using FakeApiServer.Features;
using FakeApiServer.Observability;
using FakeApiServer.Observability.Metrics;
using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Hosting;

/// <summary>The request log and the metrics of the host (docs/observability.md).</summary>
public sealed partial class FakeApiServerHost
{
    /// <summary>The logging and the metrics services: the request log's level, the fixture's logger, the host's meter factory and exporter.</summary>
    private static void ConfigureObservability(WebApplicationBuilder builder, FakeApiServerOptions options)
    {
        if (options.LoggerProvider is { } provider)
        {
            builder.Logging.AddProvider(provider);
        }

        if (options.RequestLog)
        {
            builder.Logging.AddFilter(RequestLog.Category, LogLevel.Information);
        }

        ServerMetrics.AddTo(builder.Services, options.Metrics);
    }

    /// <summary>Subscribes the request log to the feed, and registers the gauges read when scraped (the request metrics are told by the filter).</summary>
    private static void ObserveRequests(
        RequestFeed requests, ILoggerFactory loggerFactory, FakeApiServerOptions options, IMeterFactory? meters, ResourceCatalog catalog, IRevisionedStore store,
        FeatureGates gates)
    {
        var log = new RequestLog(loggerFactory.CreateLogger(RequestLog.Category), options.RequestLog ? LogLevel.Information : LogLevel.Debug);
        if (log.IsEnabled)
        {
            _ = requests.Subscribe(log);
        }

        if (meters is not null)
        {
            FeatureMetrics.Observe(meters, gates);
            StorageObjectsMetric.Observe(meters, catalog, store);
        }
    }
}
