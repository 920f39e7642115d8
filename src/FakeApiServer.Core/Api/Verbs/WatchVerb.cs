using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FakeApiServer.Api.Verbs;

/// <summary>
/// watch: a chunked stream of newline-terminated JSON events (or length-prefixed protobuf WatchEvent frames), flushed one by one. Errors found after the stream
/// started (a compacted resourceVersion) arrive as an ERROR event carrying a Status, as the watch cache sends them.
/// Bookmarks every minute when asked for, and one before a timeout closes the stream; the stream also ends cleanly
/// when the server stops.
/// </summary>
internal static class WatchVerb
{
    /// <summary>How often a bookmark is sent when allowWatchBookmarks is set (upstream sends them about once a minute).</summary>
    private static readonly TimeSpan BookmarkInterval = TimeSpan.FromMinutes(1);

    /// <summary>The server-side timeout without timeoutSeconds (upstream picks 30 to 60 minutes at random; clients re-watch either way).</summary>
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    /// <summary>About 100 years: beyond it a deadline would not fit a DateTimeOffset.</summary>
    private const long MaxTimeoutSeconds = 100L * 365 * 24 * 3600;

    /// <summary>The longest one timer waits (Task.Delay refuses more than uint.MaxValue - 1 milliseconds).</summary>
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromDays(30);

    public static async Task HandleAsync(HttpContext context, ResourceRequest request)
    {
        var options = LimitToName(QueryOptions.List(context.Request.Query), request.Name);
        ResourceWatch.ValidateOptions(options);
        var api = request.Api;
        var form = MediaTypes.NegotiateResource(context.Request.Headers.Accept, () => api.Protobuf.Serves(request.Definition));
        var definition = request.Definition;
        // As upstream's ListResource: 0 or absent picks the server's timeout; a negative one has already passed, so the
        // stream closes at once (its timer fires immediately); a huge one is capped where TimeSpan ends.
        var timeout = options.TimeoutSeconds switch
        {
            null or 0 => DefaultTimeout,
            < 0 => TimeSpan.Zero,
            var seconds => TimeSpan.FromSeconds(Math.Min(seconds.Value, MaxTimeoutSeconds)),
        };

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, api.Stopping);
        var token = stop.Token;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.StatusCode = 200;
        context.Response.ContentType = form switch
        {
            MediaTypes.ResourceForm.TableV1 => MediaTypes.TableV1,
            MediaTypes.ResourceForm.TableV1Beta1 => MediaTypes.TableV1Beta1,
            MediaTypes.ResourceForm.Protobuf => MediaTypes.ProtobufWatch,
            _ => MediaTypes.Json,
        };
        await context.Response.StartAsync(token);
        await context.Response.Body.FlushAsync(token);

        var body = context.Response.Body;
        var deadline = api.Time.GetUtcNow() + timeout;
        // Bookmarks may only name a revision whose events this watcher has been sent: start from where it starts.
        var lastRevision = options.ResourceVersion is { Length: > 0 } and not "0" && options.SendInitialEvents is not true
            ? ResourceList.ParseResourceVersion(options.ResourceVersion)
            : api.Store.CurrentRevision;
        var observation = Observability.RequestObservation.Of(context);
        using var registered = api.WatchMetrics?.Register(definition);
        await using var events = ResourceWatch.WatchAsync(definition, api.Store, request.Namespace, options, token).GetAsyncEnumerator(token);
        Task<bool> next = Task.FromResult(false);

        // One timer per bookmark interval (or the closing deadline), not one per event: a busy watcher with many
        // events in a row drains them without touching the timer queue.
        CancellationTokenSource? delayCancel = null;
        Task? delay = null;
        var closing = true;
        try
        {
            next = events.MoveNextAsync().AsTask();
            while (true)
            {
                if (delay is null)
                {
                    var wait = deadline - api.Time.GetUtcNow();
                    closing = true;
                    if (options.AllowWatchBookmarks && wait > BookmarkInterval)
                    {
                        wait = BookmarkInterval;
                        closing = false;
                    }

                    if (wait > MaxTimerWait)
                    {
                        // A timer cannot wait longer (Task.Delay's limit is about 49 days): wake up and wait again.
                        wait = MaxTimerWait;
                        closing = false;
                    }

                    delayCancel = CancellationTokenSource.CreateLinkedTokenSource(token);
                    delay = Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, api.Time, delayCancel.Token);
                }

                var done = next.IsCompleted ? next : await Task.WhenAny(next, delay);
                if (done == next)
                {
                    bool more;
                    try
                    {
                        more = await next;
                    }
                    catch (ApiException e)
                    {
                        // The stream has started: an error found now (e.g. a too large resourceVersion) can only be an ERROR event.
                        await WriteAsync(context.Response.BodyWriter, api.Protobuf, definition, form, new ResourceEvent(ResourceEventType.Error, null, lastRevision) { Error = e },
                            context.Request.Query, api.Time.GetUtcNow(), token);
                        return;
                    }

                    if (!more)
                    {
                        return;
                    }

                    var change = events.Current;
                    lastRevision = Math.Max(lastRevision, change.Revision);
                    await WriteAsync(context.Response.BodyWriter, api.Protobuf, definition, form, change, context.Request.Query, api.Time.GetUtcNow(), token);
                    observation?.WatchEventSent();
                    api.WatchMetrics?.EventSent(definition, change.Object?.Value.Length ?? 0);
                    if (change.Type == ResourceEventType.Error)
                    {
                        return;
                    }

                    next = events.MoveNextAsync().AsTask();
                    continue;
                }

                delayCancel?.Dispose();
                delayCancel = null;
                delay = null;
                if (token.IsCancellationRequested)
                {
                    return;
                }

                if (options.AllowWatchBookmarks)
                {
                    await WriteAsync(context.Response.BodyWriter, api.Protobuf, definition, form, new ResourceEvent(ResourceEventType.Bookmark, null, lastRevision),
                        context.Request.Query, api.Time.GetUtcNow(), token);
                }

                if (closing)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Client gone or server stopping: the stream just ends.
        }
        finally
        {
            if (delayCancel is not null)
            {
                await delayCancel.CancelAsync();
                delayCancel.Dispose();
            }

            await stop.CancelAsync();

            // An async iterator cannot be disposed while a MoveNextAsync is pending: let the cancelled read finish first.
            try
            {
                await next;
            }
            catch (Exception e) when (e is OperationCanceledException or ApiException)
            {
            }
        }
    }

    /// <summary>
    /// A watch of one named object (/watch/namespaces/{ns}/pods/{name}) selects metadata.name, as upstream's
    /// ListResource does; a fieldSelector may only repeat that name.
    /// </summary>
    private static ListOptions LimitToName(ListOptions options, string name)
    {
        if (name.Length == 0)
        {
            return options;
        }

        if (!options.Fields.IsEverything)
        {
            return options.Fields.RequiresExactMatch("metadata.name", out var selected) && selected == name
                ? options
                : throw ApiException.BadRequest("fieldSelector metadata.name doesn't match requested name");
        }

        return options with { Fields = Selectors.FieldSelector.Parse("metadata.name=" + Selectors.FieldSelector.EscapeValue(name)) };
    }

    private static ValueTask<System.IO.Pipelines.FlushResult> WriteAsync(
        System.IO.Pipelines.PipeWriter body, ProtobufResponses protobuf, ResourceDefinition definition, MediaTypes.ResourceForm form, ResourceEvent change,
        IQueryCollection query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (form == MediaTypes.ResourceForm.Protobuf)
        {
            // Length-prefixed WatchEvent frames; the object of each is a whole protobuf body (magic + envelope).
            switch (change.Type)
            {
                case ResourceEventType.Error:
                    protobuf.WriteFrame(body, change.Type, "v1", "Status", ApiErrors.StatusBytes(change.Error!));
                    break;
                case ResourceEventType.Bookmark:
                    protobuf.WriteFrame(body, change.Type, definition.ApiVersion, definition.Kind, BookmarkBytes(definition, change));
                    break;
                default:
                    protobuf.WriteObjectFrame(body, change.Type, definition, change.Object!.Value);
                    break;
            }

            return body.FlushAsync(cancellationToken);
        }

        var (type, bytes) = change.Type switch
        {
            ResourceEventType.Error => (change.Type, ApiErrors.StatusBytes(change.Error!)),
            ResourceEventType.Bookmark => (change.Type, BookmarkBytes(definition, change)),
            _ => (change.Type,
                form == MediaTypes.ResourceForm.Json
                    ? definition.ServedBytes(change.Object!.Value)
                    : ObjectResponses.TableBytes(definition, form, ObjectJson.Parse(change.Object!.Value), now, query)),
        };
        return ObjectResponses.WriteEventAsync(body, type, bytes, cancellationToken);
    }

    private static byte[] BookmarkBytes(ResourceDefinition definition, ResourceEvent change)
    {
        var metadata = new JsonObject { ["resourceVersion"] = change.Revision.ToString(CultureInfo.InvariantCulture) };
        if (change.InitialEventsEnd)
        {
            metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        return ObjectJson.Serialize(new JsonObject { ["kind"] = definition.Kind, ["apiVersion"] = definition.ApiVersion, ["metadata"] = metadata });
    }
}
