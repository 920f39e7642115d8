using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Controllers.ServiceAccounts;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.RootCaCertPublisher;

/// <summary>
/// kube-controller-manager's root-ca-cert-publisher: every namespace has the ConfigMap kube-root-ca.crt whose ca.crt
/// is the CA that verifies the API server (<see cref="ControllerContext.RootCaPem"/>; empty on plain http, as upstream
/// with no CA), with upstream's kubernetes.io/description annotation. A changed or deleted one is put back: its data
/// replaced, its other annotations kept, as upstream.
/// </summary>
internal sealed class RootCaCertPublisher(ControllerContext context) : Reconciler<string>(context, "root-ca-cert-publisher")
{
    /// <summary>The ConfigMap's name in every namespace.</summary>
    public const string ConfigMapName = "kube-root-ca.crt";

    /// <summary>The key holding the CA bundle.</summary>
    public const string CaKey = "ca.crt";

    public const string DescriptionAnnotation = "kubernetes.io/description";

    public const string Description =
        "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. "
        + "No other usage is guaranteed across distributions of Kubernetes clusters.";

    private SharedInformer NamespaceInformer => Informers.For("", "namespaces");

    private SharedInformer ConfigMapInformer => Informers.For("", "configmaps");

    private ResourceStore ConfigMaps => Context.Catalog.Get("", "configmaps");

    protected override void Watch(SharedInformerFactory informers)
    {
        NamespaceInformer.AddHandler(e =>
        {
            if (e.Type == InformerEventType.Added || (e.Type == InformerEventType.Modified && ServiceAccountsController.IsActive(e.Object)))
            {
                Queue.Add(e.Object.Name());
            }
        });
        ConfigMapInformer.AddHandler(e =>
        {
            // Read from the key: the other ConfigMaps, nearly all of them, are not parsed for this.
            if (e.Type != InformerEventType.Added && e.Name == ConfigMapName)
            {
                Queue.Add(e.Namespace);
            }
        });
    }

    protected override async Task ReconcileAsync(string ns, CancellationToken cancellationToken)
    {
        if (NamespaceInformer.Lister.Get(ns) is not { } namespace_ || namespace_.HasDeletionTimestamp())
        {
            return;
        }

        var current = ConfigMapInformer.Lister.Get(ns, ConfigMapName);
        try
        {
            if (current is null)
            {
                var configMap = new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "ConfigMap",
                    ["metadata"] = new JsonObject
                    {
                        ["name"] = ConfigMapName,
                        ["namespace"] = ns,
                        ["annotations"] = new JsonObject { [DescriptionAnnotation] = Description },
                    },
                    ["data"] = Data(),
                };
                await ConfigMaps.CreateAsync(ns, configMap, new WriteOptions(FieldManager: ReplicaSets.ReplicaSetController.FieldManager), cancellationToken);
                return;
            }

            if (IsPublished(current))
            {
                return;
            }

            await ConfigMaps.UpdateAsync(ns, ConfigMapName, stored =>
            {
                stored["data"] = Data();
                if (stored.Metadata()["annotations"] is not JsonObject annotations)
                {
                    annotations = [];
                    stored.Metadata()["annotations"] = annotations;
                }

                annotations[DescriptionAnnotation] = Description;
                return stored;
            }, ConfigMaps.Definition.Strategy, new WriteOptions(FieldManager: ReplicaSets.ReplicaSetController.FieldManager), cancellationToken);
        }
        catch (ApiException e) when (ServiceAccountsController.IsNamespaceGoing(e) || (current is null && e.Code == 409))
        {
            // The namespace went or is terminating, or the ConfigMap was created meanwhile (its event queues us again).
        }
    }

    private JsonObject Data() => new() { [CaKey] = Context.RootCaPem };

    /// <summary>Whether the ConfigMap holds exactly the CA (and nothing else) and carries the description.</summary>
    private bool IsPublished(JsonObject configMap) =>
        configMap["data"] is JsonObject data && data.Count == 1 && data.GetString(CaKey) == Context.RootCaPem
        && configMap.Metadata()["annotations"]?[DescriptionAnnotation] is JsonValue description && description.GetValue<string>().Length > 0;
}
