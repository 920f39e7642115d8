using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.ServiceAccounts;

/// <summary>
/// kube-controller-manager's serviceaccount controller: every active namespace has the ServiceAccounts it must have
/// (upstream's ServiceAccountsToEnsure: just "default"), created when the namespace appears and again when one is
/// deleted. An existing account is never changed. A namespace that is gone or terminating is left alone.
/// </summary>
internal sealed class ServiceAccountsController(ControllerContext context) : Reconciler<string>(context, "serviceaccount")
{
    /// <summary>The accounts every namespace gets.</summary>
    public static IReadOnlyList<string> AccountsToEnsure { get; } = ["default"];

    private SharedInformer NamespaceInformer => Informers.For("", "namespaces");

    private SharedInformer ServiceAccountInformer => Informers.For("", "serviceaccounts");

    private ResourceStore ServiceAccounts => Context.Catalog.Get("", "serviceaccounts");

    protected override void Watch(SharedInformerFactory informers)
    {
        NamespaceInformer.AddHandler(e =>
        {
            if (e.Type != InformerEventType.Deleted)
            {
                Queue.Add(e.Object.Name());
            }
        });
        ServiceAccountInformer.AddHandler(e =>
        {
            if (e.Type == InformerEventType.Deleted)
            {
                Queue.Add(e.Object.Namespace());
            }
        });
    }

    protected override async Task ReconcileAsync(string ns, CancellationToken cancellationToken)
    {
        if (NamespaceInformer.Lister.Get(ns) is not { } namespace_ || !IsActive(namespace_))
        {
            return;
        }

        foreach (var name in AccountsToEnsure)
        {
            if (ServiceAccountInformer.Lister.Get(ns, name) is not null)
            {
                continue;
            }

            try
            {
                var account = new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "ServiceAccount",
                    ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
                };
                await ServiceAccounts.CreateAsync(ns, account, new WriteOptions(FieldManager: ReplicaSets.ReplicaSetController.FieldManager), cancellationToken);
            }
            catch (ApiException e) when (e.Code == 409 || IsNamespaceGoing(e))
            {
                // Created meanwhile, or the namespace went or is terminating: nothing to ensure.
            }
        }
    }

    /// <summary>Whether a namespace takes new content: not being deleted, phase not Terminating.</summary>
    internal static bool IsActive(JsonObject ns) => !ns.HasDeletionTimestamp() && ns.FieldString("status.phase") != "Terminating";

    /// <summary>A create refused because the namespace is gone (404) or terminating (403 with the NamespaceTerminating cause).</summary>
    internal static bool IsNamespaceGoing(ApiException e) =>
        e.Code == 404 || (e.Code == 403 && e.Details?.Causes.Any(c => c.Reason == "NamespaceTerminating") == true);
}
