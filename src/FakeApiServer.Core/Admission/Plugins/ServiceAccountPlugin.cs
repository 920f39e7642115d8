using System.Text.Json.Nodes;
using FakeApiServer.Registry;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// The defaulting half of kube-apiserver's ServiceAccount plugin: a pod created without spec.serviceAccountName gets
/// "default". Upstream also requires the ServiceAccount to exist and mounts its token; this server has no
/// ServiceAccount controller yet, so neither is done (a pod may name a ServiceAccount that does not exist).
/// </summary>
internal sealed class ServiceAccountPlugin : IMutatingAdmissionPlugin
{
    public const string PluginName = "ServiceAccount";

    public const string DefaultServiceAccountName = "default";

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) =>
        request.Operation == AdmissionOperation.Create && request.IsResource("", "pods");

    public ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object is { } pod)
        {
            if (pod["spec"] is not JsonObject spec)
            {
                spec = [];
                pod["spec"] = spec;
            }

            if (string.IsNullOrEmpty(spec.GetString("serviceAccountName")))
            {
                spec["serviceAccountName"] = DefaultServiceAccountName;
            }
        }

        return ValueTask.CompletedTask;
    }
}
