using System.Text.Json.Nodes;
using System.Threading.Channels;
using FakeApiServer.Controllers.Runtime;
using FakeApiServer.Registry;
using FakeApiServer.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace FakeApiServer.Tests.Controllers.Runtime;

public sealed class SharedInformerTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Handlers_see_each_version_the_one_before_it_and_a_deleted_objects_last_state()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var test = await RuntimeTestContext.StartAsync(ct);
        var seen = Channel.CreateUnbounded<(InformerEventType Type, string Namespace, string Name, string? Holder, string? OldHolder)>();
        await using var informer = await RunningInformer.StartAsync(test,
            e => seen.Writer.TryWrite((e.Type, e.Namespace, e.Name, Holder(e.Object), e.Old is { } old ? Holder(old) : null)), ct);

        await test.CreateLeaseAsync("a", ct);
        await SetHolderAsync(test, "first", ct);
        await SetHolderAsync(test, "second", ct);
        await test.Leases.DeleteAsync("default", "a", new DeleteOptions(), ct);

        Assert.Equal((InformerEventType.Added, "default", "a", null, null), await seen.Reader.ReadAsync(ct));
        Assert.Equal((InformerEventType.Modified, "default", "a", "first", null), await seen.Reader.ReadAsync(ct));
        Assert.Equal((InformerEventType.Modified, "default", "a", "second", "first"), await seen.Reader.ReadAsync(ct));
        Assert.Equal((InformerEventType.Deleted, "default", "a", "second", null), await seen.Reader.ReadAsync(ct));
        Assert.Null(informer.Informer.Lister.Get("default", "a"));
    }

    [Fact]
    public async Task A_deleted_objects_last_state_is_there_for_a_handler_that_read_no_earlier_version()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var test = await RuntimeTestContext.StartAsync(ct);
        var deleted = Channel.CreateUnbounded<string?>();
        await using var informer = await RunningInformer.StartAsync(test, e =>
        {
            if (e.Type == InformerEventType.Deleted)
            {
                deleted.Writer.TryWrite(Holder(e.Object));
            }
        }, ct);

        await test.CreateLeaseAsync("a", ct);
        await SetHolderAsync(test, "last", ct);
        await test.Leases.DeleteAsync("default", "a", new DeleteOptions(), ct);

        Assert.Equal("last", await deleted.Reader.ReadAsync(ct));
    }

    private static string? Holder(JsonObject lease) => lease["spec"]?["holderIdentity"]?.GetValue<string>();

    private static Task<StoredObject> SetHolderAsync(RuntimeTestContext test, string holder, CancellationToken cancellationToken) =>
        test.Leases.UpdateAsync("default", "a", lease =>
        {
            lease["spec"] = new JsonObject { ["holderIdentity"] = holder };
            return lease;
        }, test.Leases.Definition.Strategy, new WriteOptions(), cancellationToken);

    /// <summary>A Leases informer with one handler, listed and watching until disposed.</summary>
    private sealed class RunningInformer : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop;
        private readonly Task _running;

        private RunningInformer(SharedInformer informer, CancellationToken cancellationToken)
        {
            Informer = informer;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _running = informer.RunAsync(_stop.Token);
        }

        public SharedInformer Informer { get; }

        public static async Task<RunningInformer> StartAsync(RuntimeTestContext test, Action<InformerEvent> handler, CancellationToken cancellationToken)
        {
            var informer = new SharedInformer(test.Leases.Definition, test.Store, NullLogger.Instance);
            informer.AddHandler(handler);
            var running = new RunningInformer(informer, cancellationToken);
            await informer.WaitForSyncAsync(cancellationToken);
            return running;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running;
            _stop.Dispose();
        }
    }
}
