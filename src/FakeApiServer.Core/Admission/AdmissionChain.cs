namespace FakeApiServer.Admission;

/// <summary>
/// The admission chain of one server (kube-apiserver's chainAdmissionHandler plus the reinvoker): the enabled plugins
/// in <see cref="AdmissionOrder"/>'s order, mutating ones run by the registry before the strategy, validating ones
/// after it. Mutation runs a second pass when a plugin asks for it (reinvocationPolicy IfNeeded). A plugin that does
/// not handle a request costs one call to its Handles.
/// </summary>
internal sealed class AdmissionChain
{
    private readonly IMutatingAdmissionPlugin[] _mutating;
    private readonly IValidatingAdmissionPlugin[] _validating;
    private readonly Func<AdmissionRequest, CancellationToken, ValueTask>[] _admitCalls;
    private readonly Func<AdmissionRequest, CancellationToken, ValueTask>[] _validateCalls;
    private readonly AdmissionMetrics? _metrics;

    public AdmissionChain(IEnumerable<object> orderedPlugins, AdmissionMetrics? metrics = null)
    {
        _metrics = metrics;
        ArgumentNullException.ThrowIfNull(orderedPlugins);
        var plugins = orderedPlugins.ToList();
        _mutating = [.. plugins.OfType<IMutatingAdmissionPlugin>()];
        _validating = [.. plugins.OfType<IValidatingAdmissionPlugin>()];

        // The plugins' calls as delegates made once, not one per plugin and request for the timed call.
        _admitCalls = [.. _mutating.Select(p => (Func<AdmissionRequest, CancellationToken, ValueTask>)p.AdmitAsync)];
        _validateCalls = [.. _validating.Select(p => (Func<AdmissionRequest, CancellationToken, ValueTask>)p.ValidateAsync)];
        Names = [.. plugins.Select(p => p switch
        {
            IMutatingAdmissionPlugin m => m.Name,
            IValidatingAdmissionPlugin v => v.Name,
            _ => throw new ArgumentException($"{p.GetType().Name} is not an admission plugin", nameof(orderedPlugins)),
        })];
    }

    /// <summary>A chain without plugins.</summary>
    public static AdmissionChain Empty { get; } = new([]);

    /// <summary>The enabled plugins' names, in order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The mutating phase: every mutating plugin that handles the request, in order; again when one asks.</summary>
    public async ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _metrics?.Time.GetTimestamp() ?? 0;
        var rejected = true;
        try
        {
            await RunMutatingAsync(request, cancellationToken);
            if (request.Reinvocation.ShouldReinvoke && !request.Reinvocation.IsReinvoke)
            {
                request.Reinvocation.IsReinvoke = true;
                await RunMutatingAsync(request, cancellationToken);
            }

            rejected = false;
        }
        finally
        {
            _metrics?.ObserveStep(started, AdmissionMetrics.Admit, request.Operation, rejected);
        }
    }

    /// <summary>The validating phase: every validating plugin that handles the request, in order; the first refusal wins.</summary>
    public async ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = _metrics?.Time.GetTimestamp() ?? 0;
        var rejected = true;
        try
        {
            for (var i = 0; i < _validating.Length; i++)
            {
                var plugin = _validating[i];
                if (plugin.Handles(request))
                {
                    using var span = Observability.Tracing.ApiServerTracing.StartAdmission(plugin.Name, "validating", request);
                    await (_metrics is null
                        ? plugin.ValidateAsync(request, cancellationToken)
                        : TimedAsync(_metrics, plugin.Name, AdmissionMetrics.Validate, request, _validateCalls[i], cancellationToken));
                }
            }

            rejected = false;
        }
        finally
        {
            _metrics?.ObserveStep(started, AdmissionMetrics.Validate, request.Operation, rejected);
        }
    }

    /// <summary>One plugin's call, with its latency and whether it refused recorded.</summary>
    private static async ValueTask TimedAsync(
        AdmissionMetrics metrics, string name, string type, AdmissionRequest request, Func<AdmissionRequest, CancellationToken, ValueTask> call, CancellationToken cancellationToken)
    {
        var started = metrics.Time.GetTimestamp();
        var rejected = true;
        try
        {
            await call(request, cancellationToken);
            rejected = false;
        }
        finally
        {
            metrics.ObservePlugin(started, name, type, request.Operation, rejected);
        }
    }

    private async ValueTask RunMutatingAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        for (var i = 0; i < _mutating.Length; i++)
        {
            var plugin = _mutating[i];
            if (plugin.Handles(request))
            {
                using var span = Observability.Tracing.ApiServerTracing.StartAdmission(plugin.Name, "mutating", request);
                await (_metrics is null
                    ? plugin.AdmitAsync(request, cancellationToken)
                    : TimedAsync(_metrics, plugin.Name, AdmissionMetrics.Admit, request, _admitCalls[i], cancellationToken));
            }
        }
    }
}
