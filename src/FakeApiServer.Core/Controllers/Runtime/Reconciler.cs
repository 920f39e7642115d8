using FakeApiServer.Api;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Controllers.Runtime;

/// <summary>
/// The skeleton every queue-driven controller shares (client-go's controller pattern): <see cref="Watch"/> registers
/// informer handlers that add keys to <see cref="Queue"/>; workers call <see cref="ReconcileAsync"/> for each key.
/// A reconcile that throws anything (a conflict, a storage fault, a bug) is logged once and retried with the queue's
/// per-key exponential back-off; one that returns ends the key's back-off. Nothing a reconcile throws stops the
/// controller.
/// </summary>
/// <typeparam name="TKey">The work queue's key (usually <see cref="NamespacedName"/>).</typeparam>
internal abstract partial class Reconciler<TKey> : IController, IDisposable
    where TKey : notnull
{
    private readonly int _workers;

    /// <param name="context">What the controller is built from.</param>
    /// <param name="name">The --controllers name.</param>
    /// <param name="workers">How many keys are reconciled at once (never the same key twice at once).</param>
    /// <param name="rateLimiter">The back-off of failed keys; client-go's DefaultControllerRateLimiter when null.</param>
    protected Reconciler(ControllerContext context, string name, int workers = 1, IRateLimiter<TKey>? rateLimiter = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        Name = name;
        _workers = workers;
        Logger = context.LoggerFactory.CreateLogger(GetType());
        Queue = new RateLimitingQueue<TKey>(context.Time, rateLimiter) { Metrics = context.Workqueues?.For<TKey>(name) };
    }

    public string Name { get; }

    /// <summary>What the controller is built from (registry, store, clock, events, informers).</summary>
    protected ControllerContext Context { get; }

    /// <summary>The shared informers.</summary>
    protected SharedInformerFactory Informers => Context.Informers;

    /// <summary>The clock.</summary>
    protected TimeProvider Time => Context.Time;

    /// <summary>The controller's logger (category: the controller's type).</summary>
    protected ILogger Logger { get; }

    /// <summary>The keys to reconcile.</summary>
    protected RateLimitingQueue<TKey> Queue { get; }

    /// <summary>Registers handlers, lists and the queue; then runs the workers until cancelled.</summary>
    public virtual async Task RunAsync(CancellationToken cancellationToken)
    {
        Watch(Informers);
        await Queue.RunAsync(_workers, ReconcileOrRetryAsync, cancellationToken);
    }

    public void Dispose()
    {
        Queue.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Called once when the controller starts: add handlers to the informers this controller needs, each turning an
    /// event into keys for <see cref="Queue"/> (e.g. <c>informers.Pods.AddHandler(e => Queue.Add(...))</c>).
    /// </summary>
    protected abstract void Watch(SharedInformerFactory informers);

    /// <summary>Brings the object of <paramref name="key"/> to its wanted state. Idempotent; may throw to be retried.</summary>
    protected abstract Task ReconcileAsync(TKey key, CancellationToken cancellationToken);

    /// <summary>Reconciles <paramref name="key"/> again after <paramref name="delay"/> (a condition that time alone changes).</summary>
    protected void RequeueAfter(TKey key, TimeSpan delay) => Queue.AddAfter(key, delay);

    /// <summary>Reconciles <paramref name="key"/> again when the clock reaches <paramref name="due"/> (a deadline, an expiry).</summary>
    protected void RequeueAt(TKey key, DateTimeOffset due) => Queue.AddAt(key, due);

    private async Task ReconcileOrRetryAsync(TKey key, CancellationToken cancellationToken)
    {
        try
        {
            await ReconcileAsync(key, cancellationToken);
            Queue.Forget(key);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ApiException e)
        {
            // Conflicts, a namespace going away, an object not there yet: expected while others write.
            if (Logger.IsEnabled(LogLevel.Information))
            {
                var attempt = Queue.NumRequeues(key) + 1;
                var reason = e.Message;
                Log.ReconcileFailed(Logger, Name, key, attempt, reason);
            }

            Queue.AddRateLimited(key);
        }
#pragma warning disable CA1031 // Whatever fails (a storage fault, a bug), the key is retried and the controller goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            if (Logger.IsEnabled(LogLevel.Warning))
            {
                var attempt = Queue.NumRequeues(key) + 1;
                Log.ReconcileError(Logger, Name, key, attempt, e);
            }

            Queue.AddRateLimited(key);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 220, Level = LogLevel.Information, Message = "Controller {Controller} could not reconcile {Key} yet (attempt {Attempt}): {Reason}")]
        public static partial void ReconcileFailed(ILogger logger, string controller, object key, int attempt, string reason);

        [LoggerMessage(EventId = 221, Level = LogLevel.Warning, Message = "Controller {Controller} failed to reconcile {Key} (attempt {Attempt}); retrying with back-off")]
        public static partial void ReconcileError(ILogger logger, string controller, object key, int attempt, Exception error);
    }
}
