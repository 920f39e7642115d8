using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Storage;

namespace FakeApiServer.Admission.Plugins;

/// <summary>
/// kube-apiserver's DefaultIngressClass: an Ingress created without spec.ingressClassName and without the
/// kubernetes.io/ingress.class annotation gets the default IngressClass (annotation
/// ingressclass.kubernetes.io/is-default-class "true"); of several defaults the newest wins, ties by name.
/// </summary>
internal sealed class DefaultIngressClassPlugin : IMutatingAdmissionPlugin
{
    public const string PluginName = "DefaultIngressClass";

    private static readonly string Prefix = ResourceDefinition.KeyPrefixOf("networking.k8s.io", "ingressclasses");

    private readonly IRevisionedStore _store;

    public DefaultIngressClassPlugin(IRevisionedStore store) => _store = store;

    public string Name => PluginName;

    public bool Handles(AdmissionRequest request) =>
        request.Operation == AdmissionOperation.Create && request.IsResource("networking.k8s.io", "ingresses");

    public ValueTask AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Object is not { } ingress || ingress.Metadata()["annotations"]?["kubernetes.io/ingress.class"] is not null)
        {
            return ValueTask.CompletedTask;
        }

        if (ingress["spec"] is not JsonObject spec)
        {
            spec = [];
            ingress["spec"] = spec;
        }

        if (spec["ingressClassName"] is null
            && DefaultClass.Newest(_store, Prefix, "ingressclass.kubernetes.io/is-default-class") is { } defaultClass)
        {
            spec["ingressClassName"] = defaultClass.Name();
        }

        return ValueTask.CompletedTask;
    }
}
