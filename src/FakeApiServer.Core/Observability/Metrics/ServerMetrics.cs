using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace FakeApiServer.Observability.Metrics;

/// <summary>
/// The instruments of one server and their Prometheus exporter. Every instrument is created from the host's own
/// <see cref="IMeterFactory"/> (one per host, from its service provider), where the work happens: the request feed, the
/// watch stream, the registry, admission, the workqueues, the store. OpenTelemetry's MeterProvider reads the meters named
/// FakeApiServer.* whose scope is this factory, so two servers in one process never count each other's requests
/// (a MeterListener sees every meter of the process: the view drops the other hosts' instruments), plus the .NET
/// runtime's own meter (System.Runtime), which is the process's. Owned by the host's service provider, which disposes it.
/// </summary>
internal sealed class ServerMetrics : IDisposable
{
    /// <summary>The prefix of every meter name of the server (FakeApiServer.Requests, FakeApiServer.Storage, ...).</summary>
    public const string MeterPrefix = "FakeApiServer.";

    /// <summary>The .NET runtime's built-in meter (GC, JIT, thread pool, exceptions): the process's, not the host's.</summary>
    public const string RuntimeMeter = "System.Runtime";

    /// <summary>
    /// The room for series of the meters whose instruments have a few, known series each: the runtime's (a GC
    /// generation, a CPU mode, an exception type), the store's (one store), the in-flight limits' (two request kinds) and
    /// the workqueues' (one per controller queue). OpenTelemetry makes room for 2,000 by default: an array per instrument
    /// and per server, allocated at once (~190 KB each, on the large object heap), which was most of a fresh test
    /// cluster's allocations. The other meters (requests, watches, admission, stored objects, feature gates) keep the
    /// default: their series grow with the resources and requests a test uses.
    /// </summary>
    private static readonly FrozenDictionary<string, int> SeriesLimits = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        [RuntimeMeter] = 256,
        [MeterPrefix + "Storage"] = 16,
        [MeterPrefix + "Limits"] = 16,
        [Controllers.Runtime.WorkqueueMetrics.MeterName] = 256,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly MeterProvider _provider;

    public ServerMetrics(IMeterFactory meters)
    {
        Meters = meters;
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(MeterPrefix + "*", RuntimeMeter)
            .AddView(instrument => instrument.Meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal) && !ReferenceEquals(instrument.Meter.Scope, meters)
                ? MetricStreamConfiguration.Drop
                : SeriesLimits.TryGetValue(instrument.Meter.Name, out var limit) ? new MetricStreamConfiguration { CardinalityLimit = limit } : null)
            .AddPrometheusExporter(o =>
            {
                // kube-apiserver's names are used as they are: no unit or _total suffix appended, no OpenTelemetry
                // scope labels or target_info series that no kube-apiserver dashboard expects.
                o.TranslationStrategy = PrometheusAspNetCoreTranslationStrategy.UnderscoreEscapingWithoutSuffixes;
                o.ScopeInfoEnabled = false;
                o.TargetInfoEnabled = false;
                // Every scrape reads the instruments now: a test that scrapes after its workload sees all of it.
                o.ScrapeResponseCacheDurationMilliseconds = 0;
            })
            .Build();
    }

    /// <summary>The host's meter factory: the instruments of this server are created from it.</summary>
    public IMeterFactory Meters { get; }

    /// <summary>
    /// The handler of GET /metrics (called by the router, so authentication and authorization apply as to any
    /// non-resource path): the Prometheus text format, or OpenMetrics when the scraper asks for it.
    /// </summary>
    public RequestDelegate ScrapeEndpoint(IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var branch = app.New();
        branch.UseOpenTelemetryPrometheusScrapingEndpoint(_provider, predicate: _ => true, path: null, configureBranchedPipeline: null, optionsName: null);
        return branch.Build();
    }

    public void Dispose() => _provider.Dispose();

    /// <summary>
    /// Registers the host's meter factory, and the exporter when metrics are on (<see cref="Hosting.FakeApiServerOptions.Metrics"/>);
    /// with metrics off no instrument is created and /metrics serves the feature gates alone, as it did before.
    /// </summary>
    public static void AddTo(IServiceCollection services, bool enabled)
    {
        services.AddMetrics();
        if (enabled)
        {
            services.AddSingleton(sp => new ServerMetrics(sp.GetRequiredService<IMeterFactory>()));
        }
    }
}
