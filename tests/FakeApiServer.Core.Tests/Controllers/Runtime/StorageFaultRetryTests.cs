using System.Text.Json.Nodes;
using FakeApiServer.Controllers;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;

namespace FakeApiServer.Tests.Controllers.Runtime;

/// <summary>
/// A storage fault during a reconcile (a commit that fails, as on a full disk) is retried with the queue's back-off,
/// not fatal: the controller converges once the store writes again, and goes on serving other objects.
/// </summary>
public sealed class StorageFaultRetryTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_write_failed_by_the_store_is_retried_with_back_off_and_the_controller_converges()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var test = await RuntimeTestContext.StartAsync(cts.Token);
        await test.CreateLeaseAsync("a", cts.Token);
        test.Store.FailNextWrites(test.Leases.Definition.KeyPrefix, 3);
        using var controller = new LeaseHolderController(test.Context);
        var held = WhenHeld(test, cts.Token);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        test.Context.Informers.Start(stop.Token);
        var running = controller.RunAsync(stop.Token);

        // Each failed write waits twice as long as the one before, on the controller's clock.
        foreach (var delay in new[] { 5, 10, 20 })
        {
            Assert.Equal(TimeSpan.FromMilliseconds(delay), await test.Time.NextTimerAsync(cts.Token));
            test.Time.Advance(TimeSpan.FromMilliseconds(delay));
        }

        Assert.Equal("a", await held("a"));
        Assert.Equal(3, test.Store.Failed);
        Assert.Equal(LeaseHolderController.Holder, test.Lease("a")?["spec"]?["holderIdentity"]?.GetValue<string>());

        // The controller still runs: a new object is reconciled at once.
        await test.CreateLeaseAsync("b", cts.Token);
        Assert.Equal("b", await held("b"));

        await stop.CancelAsync();
        await running;
        await test.Context.Informers.DisposeAsync();
    }

    /// <summary>Returns a wait for a lease the informer sees with a holder.</summary>
    private static Func<string, Task<string>> WhenHeld(RuntimeTestContext test, CancellationToken cancellationToken)
    {
        var held = new Dictionary<string, TaskCompletionSource<string>>();
        TaskCompletionSource<string> For(string name)
        {
            lock (held)
            {
                return held.TryGetValue(name, out var tcs) ? tcs : held[name] = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        test.Context.Informers.For("coordination.k8s.io", "leases").AddHandler(e =>
        {
            if (e.Object["spec"]?["holderIdentity"] is not null)
            {
                For(e.Object.Name()).TrySetResult(e.Object.Name());
            }
        });
        return name => For(name).Task.WaitAsync(cancellationToken);
    }

    /// <summary>Sets spec.holderIdentity of every Lease that has none: one write per object.</summary>
    private sealed class LeaseHolderController(ControllerContext context) : Reconciler<NamespacedName>(context, "lease-holder")
    {
        public const string Holder = "lease-holder";

        private SharedInformer LeaseInformer => Informers.For("coordination.k8s.io", "leases");

        private ResourceStore Leases => Context.Catalog.Get("coordination.k8s.io", "leases");

        protected override void Watch(SharedInformerFactory informers) =>
            LeaseInformer.AddHandler(e => Queue.Add(NamespacedName.Of(e.Object)));

        protected override async Task ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
        {
            if (LeaseInformer.Lister.Get(key.Namespace, key.Name) is not { } lease || lease["spec"]?["holderIdentity"] is not null)
            {
                return;
            }

            await Leases.UpdateAsync(key.Namespace, key.Name, current =>
            {
                (current["spec"] ??= new JsonObject())["holderIdentity"] = Holder;
                return current;
            }, Leases.Definition.Strategy, new WriteOptions(), cancellationToken);
        }
    }
}
