using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Controllers.GarbageCollection;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers.Workloads;

/// <summary>
/// What the controllers of kinds that own pods (ReplicaSet, ReplicationController, StatefulSet, DaemonSet) share, as
/// upstream's controller_utils does: the owner kind's informer and registry, a key for every owner change and for
/// every change of a pod it controls, its pods through the pods-by-controller index, pod creates and deletes with
/// upstream's events, and the status write through the status subresource (conditions kept, skipped when unchanged).
/// </summary>
internal abstract class WorkloadController : Reconciler<NamespacedName>
{
    /// <summary>The field manager of the controllers' writes, as kube-controller-manager's.</summary>
    public const string FieldManager = "kube-controller-manager";

    private readonly string _group;
    private readonly string _plural;
    private readonly string _component;

    /// <param name="context">What the controller is built from.</param>
    /// <param name="name">The --controllers name.</param>
    /// <param name="group">The owner kind's API group.</param>
    /// <param name="plural">The owner kind's resource.</param>
    /// <param name="kind">The owner kind, as pods' controller references name it.</param>
    /// <param name="component">The reporting component of the events.</param>
    protected WorkloadController(ControllerContext context, string name, string group, string plural, string kind, string component)
        : base(context, name)
    {
        _group = group;
        _plural = plural;
        Kind = kind;
        _component = component;
    }

    /// <summary>The owner kind.</summary>
    protected string Kind { get; }

    /// <summary>The owners' informer.</summary>
    protected SharedInformer Owners => Informers.For(_group, _plural);

    /// <summary>The owners' registry.</summary>
    protected ResourceStore OwnerStore => Context.Catalog.Get(_group, _plural);

    /// <summary>The pods' registry.</summary>
    protected ResourceStore Pods => Context.Catalog.Get("", "pods");

    /// <summary>The options of the controller's writes.</summary>
    protected static WriteOptions Writes => new(FieldManager: FieldManager);

    /// <summary>Queues an owner on each of its changes and on each change of a pod it controls.</summary>
    protected override void Watch(SharedInformerFactory informers)
    {
        Owners.AddHandler(e => Queue.Add(NamespacedName.Of(e.Object)));
        informers.Pods.AddHandler(e =>
        {
            if (NamespacedName.ControllerOf(e.Object, Kind) is { } owner)
            {
                Queue.Add(owner);
            }
        });
    }

    /// <summary>The pods <paramref name="owner"/> controls (by controller reference, whatever their labels).</summary>
    protected List<JsonObject> OwnedPods(JsonObject owner) =>
        Informers.Pods.Lister.ByIndex(Indexers.ByControllerUid, owner.Uid() ?? "", owner.Namespace())
            .Where(p => OwnerReferences.IsControlledBy(p, Kind, owner.Uid()))
            .ToList();

    /// <summary>Creates a pod of <paramref name="owner"/>, with upstream's SuccessfulCreate or FailedCreate event.</summary>
    protected async Task CreatePodAsync(JsonObject owner, JsonObject pod, CancellationToken cancellationToken)
    {
        try
        {
            var created = await Pods.CreateAsync(owner.Namespace(), pod, Writes, cancellationToken);
            await Context.Events.RecordAsync(owner, "Normal", "SuccessfulCreate", "Created pod: " + ObjectJson.Parse(created.Value).Name(), _component, cancellationToken);
        }
        catch (ApiException e) when (e.Code is 400 or 403 or 404 or 409 or 422)
        {
            await Context.Events.RecordAsync(owner, "Warning", "FailedCreate", "Error creating: " + e.Message, _component, cancellationToken);
            throw;
        }
    }

    /// <summary>
    /// Deletes a pod of <paramref name="owner"/> (unless it is already going), with upstream's SuccessfulDelete event;
    /// one gone or replaced meanwhile is left alone (its own event brings the owner back).
    /// </summary>
    protected async Task DeletePodAsync(JsonObject owner, JsonObject pod, CancellationToken cancellationToken)
    {
        if (pod.HasDeletionTimestamp())
        {
            return;
        }

        try
        {
            await Pods.DeleteAsync(pod.Namespace(), pod.Name(), new DeleteOptions { PreconditionUid = pod.Uid() }, cancellationToken);
            await Context.Events.RecordAsync(owner, "Normal", "SuccessfulDelete", "Deleted pod: " + pod.Name(), _component, cancellationToken);
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
        }
    }

    /// <summary>
    /// Writes <paramref name="status"/> through the status subresource, unless the owner's status is that already. The
    /// conditions the owner has are kept, unless <paramref name="keepConditions"/> is false (the caller sets them).
    /// </summary>
    protected async Task WriteStatusAsync(JsonObject owner, JsonObject status, CancellationToken cancellationToken, bool keepConditions = true)
    {
        if (keepConditions && owner["status"]?["conditions"] is JsonArray conditions)
        {
            status["conditions"] = conditions.DeepClone();
        }

        if (JsonNode.DeepEquals(status, owner["status"]))
        {
            return;
        }

        await OwnerStore.UpdateAsync(owner.Namespace(), owner.Name(), latest =>
        {
            latest.Metadata().Remove("resourceVersion");
            latest["status"] = status.DeepClone();
            return latest;
        }, OwnerStore.Definition.StatusStrategy!, Writes with { Subresource = "status" }, cancellationToken);
    }

    /// <summary>Sets a status counter that upstream omits when zero (omitempty).</summary>
    protected static void AddIfPositive(JsonObject status, string field, int value)
    {
        if (value > 0)
        {
            status[field] = value;
        }
    }
}
