using FakeApiServer.Controllers;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;

namespace FakeApiServer.Apis.ApiExtensions.CustomResourceDefinitions;

/// <summary>
/// apiextensions-apiserver's finalizer controller on the shared controller runtime: each CRD marked for deletion is
/// queued by the shared CRD informer, and <see cref="CustomResourceDefinitionController.FinalizeAsync"/> deletes its
/// custom resources, then its cleanup finalizer. While custom resources are still going it looks again shortly;
/// a failure is retried with the runtime's back-off. It runs with the API server, whatever --controllers says.
/// </summary>
internal sealed class CustomResourceDefinitionFinalizer(ControllerContext context, CustomResourceDefinitionController crds)
    : Reconciler<string>(context, "crd-finalizer")
{
    /// <summary>How long to wait before looking again at a CRD whose custom resources are still going away.</summary>
    private static readonly TimeSpan PendingDelay = TimeSpan.FromMilliseconds(100);

    protected override void Watch(SharedInformerFactory informers) =>
        informers.For(ApiExtensionsGroup.Name, "customresourcedefinitions").AddHandler(e =>
        {
            if (e.Type != InformerEventType.Deleted && e.Object.HasDeletionTimestamp())
            {
                Queue.Add(e.Object.Name());
            }
        });

    protected override async Task ReconcileAsync(string name, CancellationToken cancellationToken)
    {
        if (!await crds.FinalizeAsync(name, cancellationToken))
        {
            RequeueAfter(name, PendingDelay);
        }
    }
}
