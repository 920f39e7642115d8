using System.Diagnostics;

namespace FakeApiServer.Observability.Tracing;

/// <summary>
/// The server's spans (an <see cref="ActivitySource"/>, as .NET spells OpenTelemetry's tracer): the request, its
/// authentication and authorization, each admission plugin and webhook, the registry's operation. The store's commit
/// has its own source (<c>FakeApiServer.Storage</c>). Nothing is recorded unless a listener (the tracer provider of
/// --tracing-config-file or OTEL_*, or a test's) listens.
/// </summary>
internal static class ApiServerTracing
{
    /// <summary>The source's name, for a tracer provider's AddSource.</summary>
    public const string SourceName = "FakeApiServer";

    /// <summary>The store's source name (FakeApiServer.Storage's RevisionedStore).</summary>
    public const string StorageSourceName = Storage.StorageTracing.SourceName;

    /// <summary>The source; immutable once made (listeners are the tracer providers' business).</summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A child span of the current one for a step of the request (authentication, authorization), or null when nobody listens.</summary>
    public static Activity? StartStep(string name) => Activity.Current is null ? null : Source.StartActivity(name, ActivityKind.Internal);

    /// <summary>The span of one admission plugin's call.</summary>
    public static Activity? StartAdmission(string plugin, string phase, Admission.AdmissionRequest request)
    {
        if (Activity.Current is null)
        {
            return null;
        }

        var activity = Source.StartActivity("Admission " + plugin, ActivityKind.Internal);
        activity?.SetTag("admission.plugin", plugin);
        activity?.SetTag("admission.phase", phase);
        activity?.SetTag("operation", request.Operation.ToString().ToUpperInvariant());
        activity?.SetTag("resource", request.Resource.ToString());
        activity?.SetTag("subresource", request.Subresource);
        return activity;
    }

    /// <summary>The span of one registry operation ("Create", "Update", "Delete"...), with the object it is about.</summary>
    public static Activity? StartRegistry(string operation, string resource, string ns, string name)
    {
        if (Activity.Current is null)
        {
            return null;
        }

        var activity = Source.StartActivity(operation, ActivityKind.Internal);
        activity?.SetTag("resource", resource);
        activity?.SetTag("namespace", ns);
        activity?.SetTag("name", name);
        return activity;
    }
}
