using FakeApiServer.Hosting;
using FakeApiServer.Observability.Audit;
using FakeApiServer.Observability.Tracing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace FakeApiServer.Observability;

/// <summary>
/// The host's audit and trace export, as services of its container (so they are disposed, flushing what they hold, when
/// the host stops): an <see cref="Auditor"/> when --audit-policy-file and a backend are given, a
/// <see cref="TracerProvider"/> when tracing is asked for. Neither is registered otherwise.
/// </summary>
internal static class ObservabilityServices
{
    public static IServiceCollection AddAuditAndTracing(this IServiceCollection services, FakeApiServerOptions options, TimeProvider time)
    {
        if (options.Audit.Enabled)
        {
            services.AddSingleton(sp => Auditor.Create(options.Audit, time, sp.GetRequiredService<ILoggerFactory>().CreateLogger("FakeApiServer.Audit"))!);
        }

        if (TraceExport.Start(options.TracingConfigFile, Environment.GetEnvironmentVariable) is { } provider)
        {
            services.AddSingleton(_ => provider);
        }

        return services;
    }
}
