using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// kube-apiserver's LimitRanger. Mutating, on pod creates: the default (limits) and defaultRequest of the namespace's
/// LimitRanges' Container items fill what each container and init container leaves unset, recorded in the
/// kubernetes.io/limit-ranger annotation. Validating, on pod creates and claim creates and updates: min, max and
/// maxLimitRequestRatio of Container items per container, of Pod items on the pod's totals, and min and max of
/// PersistentVolumeClaim items on the claim's storage request; a breach is a 403 with upstream's wording.
/// Pod updates are not checked (containers cannot change), nor objects being deleted.
/// </summary>
internal sealed class LimitRangerPlugin : IMutatingAdmissionPlugin, IValidatingAdmissionPlugin
{
    public const string PluginName = "LimitRanger";

    public const string Annotation = "kubernetes.io/limit-ranger";

    private static readonly string Prefix = ResourceDefinition.KeyPrefixOf("", "limitranges");

    private readonly IRevisionedStore _store;

    public LimitRangerPlugin(IRevisionedStore store) => _store = store;

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) =>
        request.Subresource.Length == 0 && request.Definition.Group.Length == 0
        && ((request.Definition.Plural == "pods" && request.Operation == AdmissionOperation.Create)
            || (request.Definition.Plural == "persistentvolumeclaims" && request.Operation is AdmissionOperation.Create or AdmissionOperation.Update))
        && request.OldObject?.HasDeletionTimestamp() != true;

    public ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Definition.Plural == "pods" && request.Object is { } pod)
        {
            foreach (var limitRange in LimitRanges(request.Namespace))
            {
                LimitRangeDefaulting.Apply(limitRange, pod);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ValidateAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object is not { } obj)
        {
            return ValueTask.CompletedTask;
        }

        foreach (var limitRange in LimitRanges(request.Namespace))
        {
            var errors = request.Definition.Plural == "pods" ? LimitRangeValidation.Pod(limitRange, obj) : LimitRangeValidation.Claim(limitRange, obj);
            if (errors.Count > 0)
            {
                // utilerrors.NewAggregate's text: one message alone, several in brackets.
                throw request.Forbidden(errors.Count == 1 ? errors[0] : "[" + string.Join(", ", errors) + "]");
            }
        }

        return ValueTask.CompletedTask;
    }

    private List<JsonObject> LimitRanges(string ns) =>
        ns.Length == 0 ? [] : _store.Latest.Range(Prefix + ns + "/").Select(s => ObjectJson.Parse(s.Value)).ToList();
}
