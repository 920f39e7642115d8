using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// kube-apiserver's Priority plugin. Mutating, for pods (create and update, not subresources): a new pod's
/// spec.priorityClassName is resolved into spec.priority and spec.preemptionPolicy (403 "no PriorityClass with name X
/// was found" when there is none); a pod that names no class gets the globalDefault class (the lowest value if several
/// claim it) or, without one, priority 0 and PreemptLowerPriority; a priority or preemptionPolicy the pod sets itself
/// must equal the computed one. An update keeps the stored priority and preemptionPolicy when the new object leaves
/// them out. Validating, for PriorityClasses (create and update): only one class may be globalDefault.
/// </summary>
internal sealed class PriorityPlugin : IMutatingAdmissionPlugin, IValidatingAdmissionPlugin
{
    public const string PluginName = "Priority";

    /// <summary>upstream's scheduling.DefaultPriorityWhenNoDefaultClassExists.</summary>
    public const int DefaultPriorityWhenNoDefaultClassExists = 0;

    private static readonly string Prefix = ResourceDefinition.KeyPrefixOf("scheduling.k8s.io", "priorityclasses");

    private readonly IRevisionedStore _store;

    public PriorityPlugin(IRevisionedStore store) => _store = store;

    public string Name => PluginName;

    bool IMutatingAdmissionPlugin.Handles(AdmissionRequest request) =>
        request.Operation is AdmissionOperation.Create or AdmissionOperation.Update && request.IsResource("", "pods");

    bool IValidatingAdmissionPlugin.Handles(AdmissionRequest request) =>
        request.Operation is AdmissionOperation.Create or AdmissionOperation.Update && request.IsResource("scheduling.k8s.io", "priorityclasses");

    public ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object is not { } pod)
        {
            return ValueTask.CompletedTask;
        }

        if (pod["spec"] is not JsonObject spec)
        {
            spec = [];
            pod["spec"] = spec;
        }

        if (request.Operation == AdmissionOperation.Update)
        {
            // Set on create; kept when an update leaves them out (validation refuses any other change).
            if (request.OldObject?["spec"] is JsonObject oldSpec)
            {
                spec["priority"] ??= oldSpec["priority"]?.DeepClone();
                spec["preemptionPolicy"] ??= oldSpec["preemptionPolicy"]?.DeepClone();
            }

            return ValueTask.CompletedTask;
        }

        long priority;
        string? preemptionPolicy;
        if (spec.GetString("priorityClassName") is not { Length: > 0 } className)
        {
            if (DefaultClass() is { } defaultClass)
            {
                spec["priorityClassName"] = defaultClass.Name();
                priority = defaultClass.GetInt64("value") ?? 0;
                preemptionPolicy = defaultClass.GetString("preemptionPolicy");
            }
            else
            {
                priority = DefaultPriorityWhenNoDefaultClassExists;
                preemptionPolicy = "PreemptLowerPriority";
            }
        }
        else if (_store.Latest.Get(Prefix + className) is { } stored)
        {
            var priorityClass = ObjectJson.Parse(stored.Value);
            priority = priorityClass.GetInt64("value") ?? 0;
            preemptionPolicy = priorityClass.GetString("preemptionPolicy");
        }
        else
        {
            throw request.Forbidden($"no PriorityClass with name {className} was found");
        }

        if (spec.GetInt64("priority") is { } given && given != priority)
        {
            throw request.Forbidden(string.Create(CultureInfo.InvariantCulture,
                $"the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name"));
        }

        spec["priority"] = priority;
        if (preemptionPolicy is not null)
        {
            if (spec.GetString("preemptionPolicy") is { } givenPolicy && givenPolicy != preemptionPolicy)
            {
                throw request.Forbidden(
                    $"the string value of PreemptionPolicy ({givenPolicy}) must not be provided in pod spec; priority admission controller computed {preemptionPolicy} from the given PriorityClass name");
            }

            spec["preemptionPolicy"] = preemptionPolicy;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object is { } priorityClass && priorityClass["globalDefault"]?.GetValueKind() == System.Text.Json.JsonValueKind.True
            && DefaultClass() is { } existing
            && (request.Operation == AdmissionOperation.Create || existing.Name() != priorityClass.Name()))
        {
            throw request.Forbidden($"PriorityClass {existing.Name()} is already marked as default. Only one default can exist");
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The globalDefault class; of several (a race upstream also allows), the one with the lowest value.</summary>
    private JsonObject? DefaultClass() => _store.Latest.Range(Prefix)
        .Select(s => ObjectJson.Parse(s.Value))
        .Where(c => c["globalDefault"]?.GetValueKind() == System.Text.Json.JsonValueKind.True)
        .OrderBy(c => c.GetInt64("value") ?? 0)
        .FirstOrDefault();
}
