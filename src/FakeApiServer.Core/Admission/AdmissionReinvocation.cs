namespace FakeApiServer.Admission;

/// <summary>
/// admission.ReinvocationContext: whether the mutating phase runs a second time (a webhook changed the object
/// after a webhook with reinvocationPolicy IfNeeded ran), whether this is that second pass, and each plugin's
/// state between the two passes.
/// </summary>
internal sealed class AdmissionReinvocation
{
    // Made on first use: most requests go through admission without a plugin that keeps state.
    private Dictionary<string, object>? _values;

    /// <summary>Set by a plugin in the first pass to ask for a second one.</summary>
    public bool ShouldReinvoke { get; set; }

    /// <summary>True during the second pass.</summary>
    public bool IsReinvoke { get; set; }

    /// <summary>A plugin's state, created on first use.</summary>
    public T State<T>(string plugin)
        where T : class, new()
    {
        _values ??= new(StringComparer.Ordinal);
        if (!_values.TryGetValue(plugin, out var value))
        {
            value = new T();
            _values[plugin] = value;
        }

        return (T)value;
    }
}
