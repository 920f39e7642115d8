using System.Text.Json.Nodes;
using FakeApiServer.Quota;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// kube-apiserver's RuntimeClass plugin, on pod creation. Mutating: a pod naming spec.runtimeClassName gets the
/// class's overhead.podFixed as spec.overhead (refused if it already carries a different one) and the class's
/// scheduling (its nodeSelector merged into the pod's, refused on a conflicting value; its tolerations merged);
/// a class that does not exist refuses the pod. Validating: spec.overhead must still equal the class's, and a pod
/// whose class has no overhead (or that names no class) must carry none.
/// </summary>
internal sealed class RuntimeClassPlugin : IMutatingAdmissionPlugin, IValidatingAdmissionPlugin
{
    public const string PluginName = "RuntimeClass";

    private const string OverheadMismatch = "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead";

    private static readonly string Prefix = ResourceDefinition.KeyPrefixOf("node.k8s.io", "runtimeclasses");

    private readonly IRevisionedStore _store;

    public RuntimeClassPlugin(IRevisionedStore store) => _store = store;

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) =>
        request.Operation == AdmissionOperation.Create && request.IsResource("", "pods");

    public ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object?["spec"] is not JsonObject spec || RuntimeClassOf(request, spec) is not { } runtimeClass)
        {
            return ValueTask.CompletedTask;
        }

        if (runtimeClass["overhead"]?["podFixed"] is JsonObject podFixed)
        {
            if (spec["overhead"] is JsonObject given && !SameQuantities(given, podFixed))
            {
                throw request.Forbidden(OverheadMismatch);
            }

            spec["overhead"] = podFixed.DeepClone();
        }

        if (runtimeClass["scheduling"] is JsonObject scheduling)
        {
            Schedule(request, spec, scheduling);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object?["spec"] is not JsonObject spec)
        {
            return ValueTask.CompletedTask;
        }

        var runtimeClass = RuntimeClassOf(request, spec);
        if (runtimeClass?["overhead"]?["podFixed"] is JsonObject podFixed)
        {
            if (!SameQuantities(spec["overhead"] as JsonObject ?? [], podFixed))
            {
                throw request.Forbidden(OverheadMismatch);
            }
        }
        else if (spec["overhead"] is JsonObject)
        {
            throw request.Forbidden("pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead");
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The RuntimeClass the pod names; null when it names none; refuses the pod when the class does not exist.</summary>
    private JsonObject? RuntimeClassOf(AdmissionRequest request, JsonObject spec)
    {
        if (spec.GetString("runtimeClassName") is not { } name)
        {
            return null;
        }

        return _store.Latest.Get(Prefix + name) is { } stored
            ? ObjectJson.Parse(stored.Value)
            : throw request.Forbidden($"pod rejected: RuntimeClass \"{name}\" not found");
    }

    private static void Schedule(AdmissionRequest request, JsonObject spec, JsonObject scheduling)
    {
        if (scheduling["nodeSelector"] is JsonObject classSelector)
        {
            if (spec["nodeSelector"] is JsonObject podSelector)
            {
                foreach (var (key, value) in classSelector)
                {
                    var classValue = value?.GetValue<string>() ?? "";
                    if (podSelector[key]?.GetValue<string>() is { } podValue && podValue != classValue)
                    {
                        throw request.Forbidden(
                            $"conflict: runtimeClass.scheduling.nodeSelector[{key}] = {classValue}; pod.spec.nodeSelector[{key}] = {podValue}");
                    }

                    podSelector[key] = classValue;
                }
            }
            else
            {
                spec["nodeSelector"] = classSelector.DeepClone();
            }
        }

        var podTolerations = (spec["tolerations"] as JsonArray ?? []).OfType<JsonObject>();
        var classTolerations = (scheduling["tolerations"] as JsonArray ?? []).OfType<JsonObject>();
        var merged = TolerationMerge.Merge(podTolerations, classTolerations);
        if (merged.Count > 0)
        {
            spec["tolerations"] = merged;
        }
    }

    /// <summary>Semantic equality of two resource lists: the same names, each with an equal amount.</summary>
    private static bool SameQuantities(JsonObject left, JsonObject right)
    {
        var a = QuantityList.Parse(left);
        var b = QuantityList.Parse(right);
        return a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && other.Value == p.Value.Value);
    }
}
