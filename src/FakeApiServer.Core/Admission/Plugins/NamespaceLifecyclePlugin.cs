using FakeApiServer.Api;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// kube-apiserver's NamespaceLifecycle (a mutating plugin upstream too, so it runs before the strategy): the default,
/// kube-system and kube-public namespaces cannot be deleted (403); nothing is created or updated in a missing namespace
/// (404); nothing new is created in a namespace being terminated (403 with the NamespaceTerminating cause).
/// </summary>
internal sealed class NamespaceLifecyclePlugin : IMutatingAdmissionPlugin
{
    public const string PluginName = "NamespaceLifecycle";

    /// <summary>The namespaces that may never be deleted, as upstream's immortal namespaces.</summary>
    private static readonly HashSet<string> Immortal = ["default", "kube-system", "kube-public"];

    private readonly IRevisionedStore _store;

    public NamespaceLifecyclePlugin(IRevisionedStore store) => _store = store;

    public string Name => PluginName;

    /// <summary>The storage key of a namespace object (core/v1 namespaces are cluster-scoped).</summary>
    public static string NamespaceKey(string ns) => "/core/namespaces/" + ns;

    public bool Handles(AdmissionRequest request) => request.Operation != AdmissionOperation.Connect;

    public ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var isNamespace = request.Definition.Group.Length == 0 && request.Definition.Plural == "namespaces";
        if (isNamespace && request.Operation == AdmissionOperation.Delete && Immortal.Contains(request.Name))
        {
            throw request.Forbidden("this namespace may not be deleted");
        }

        if (isNamespace || !request.Definition.Namespaced || request.Namespace.Length == 0 || request.Operation == AdmissionOperation.Delete)
        {
            return ValueTask.CompletedTask;
        }

        var stored = _store.Latest.Get(NamespaceKey(request.Namespace))
            ?? throw ApiException.NotFound(new GroupResource("", "namespaces"), request.Namespace);
        // A namespace that is not terminating has neither a deletionTimestamp nor the Terminating phase: skip the parse.
        if (request.Operation == AdmissionOperation.Create && MayBeTerminating(stored.Value))
        {
            var ns = ObjectJson.Parse(stored.Value);
            if (ns.HasDeletionTimestamp() || ns.FieldString("status.phase") == "Terminating")
            {
                var name = request.NameForErrors;
                throw new ApiException(403, "Forbidden",
                    $"{request.Resource} \"{name}\" is forbidden: unable to create new content in namespace {request.Namespace} because it is being terminated",
                    new StatusDetails(name, request.Resource.Group, request.Resource.Resource)
                    {
                        Causes = [new StatusCause("NamespaceTerminating", $"namespace {request.Namespace} is being terminated", "metadata.namespace")],
                    });
            }
        }

        return ValueTask.CompletedTask;
    }

    private static bool MayBeTerminating(ReadOnlySpan<byte> json) =>
        json.IndexOf("\"deletionTimestamp\""u8) >= 0 || json.IndexOf("\"Terminating\""u8) >= 0;
}
