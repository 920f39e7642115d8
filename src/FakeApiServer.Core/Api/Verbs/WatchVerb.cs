using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FakeApiServer.Api.Verbs;

/// <summary>
/// watch: a chunked stream of newline-terminated JSON events (or length-prefixed protobuf WatchEvent frames); the events
/// ready at once are flushed together (one send), so a watcher that fell behind catches up in a few writes. Errors found after the stream
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

    /// <summary>How much a watcher's events may fill the response before they are flushed to the client.</summary>
    private const long FlushBytes = 64 * 1024;

    /// <summary>What an event adds to its object (the type and the braces), counted towards <see cref="FlushBytes"/>.</summary>
    private const int EventOverhead = 32;

    /// <summary>The longest one timer waits (a timer refuses more than uint.MaxValue - 1 milliseconds).</summary>
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

        var deadline = api.Time.GetUtcNow() + timeout;
        // Bookmarks may only name a revision whose events this watcher has been sent: start from where it starts.
        var lastRevision = options.ResourceVersion is { Length: > 0 } and not "0" && options.SendInitialEvents is not true
            ? ResourceList.ParseResourceVersion(options.ResourceVersion)
            : api.Store.CurrentRevision;
        var observation = Observability.RequestObservation.Of(context);
        using var registered = api.WatchMetrics?.Register(definition);
        var pipe = context.Response.BodyWriter;
        ResourceWatchStream? events = null;

        // One timer per bookmark interval (or the closing deadline), not one per event: a busy watcher waits on the
        // same token until it fires.
        CancellationTokenSource? timer = null;
        CancellationTokenSource? wake = null;
        var closing = true;
        try
        {
            try
            {
                events = await ResourceWatch.OpenAsync(definition, api.Store, request.Namespace, options, token);
            }
            catch (ApiException e)
            {
                // The stream has started: an error found now (e.g. a too large resourceVersion) can only be an ERROR event.
                Write(pipe, api, definition, form, new ResourceEvent(ResourceEventType.Error, null, lastRevision) { Error = e }, context.Request.Query);
                await pipe.FlushAsync(token);
                return;
            }

            while (true)
            {
                // Everything that is ready goes out in one flush (one send to the client), so a watcher that fell behind
                // catches up in a few writes instead of one per event; a long run is flushed every FlushBytes so that it
                // does not pile up in memory.
                var unflushed = 0L;
                while (events.TryRead(out var change))
                {
                    lastRevision = Math.Max(lastRevision, change.Revision);
                    unflushed += Write(pipe, api, definition, form, change, context.Request.Query);
                    observation?.WatchEventSent();
                    api.WatchMetrics?.EventSent(definition, change.Object?.Value.Length ?? 0);
                    if (change.Type == ResourceEventType.Error)
                    {
                        await pipe.FlushAsync(token);
                        return;
                    }

                    if (unflushed >= FlushBytes)
                    {
                        await pipe.FlushAsync(token);
                        unflushed = 0;
                    }
                }

                if (unflushed > 0)
                {
                    await pipe.FlushAsync(token);
                }

                if (wake is null)
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
                        // A timer cannot wait longer (its limit is about 49 days): wake up and wait again.
                        wait = MaxTimerWait;
                        closing = false;
                    }

                    timer = new CancellationTokenSource(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, api.Time);
                    wake = CancellationTokenSource.CreateLinkedTokenSource(token, timer.Token);
                }

                try
                {
                    if (!await events.WaitToReadAsync(wake.Token))
                    {
                        return;
                    }

                    continue;
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    // The timer fired: a bookmark, and the end of the stream when it was the closing deadline.
                }

                wake.Dispose();
                timer?.Dispose();
                (wake, timer) = (null, null);
                if (options.AllowWatchBookmarks)
                {
                    Write(pipe, api, definition, form, new ResourceEvent(ResourceEventType.Bookmark, null, lastRevision), context.Request.Query);
                    await pipe.FlushAsync(token);
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
            wake?.Dispose();
            timer?.Dispose();
            events?.Dispose();
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

    /// <summary>Writes one event to the response without flushing; returns about how many bytes (the object's size).</summary>
    private static long Write(
        System.IO.Pipelines.PipeWriter body, ApiContext api, ResourceDefinition definition, MediaTypes.ResourceForm form, ResourceEvent change, IQueryCollection query)
    {
        var protobuf = api.Protobuf;
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

            return EventOverhead + (change.Object?.Value.Length ?? 0);
        }

        var bytes = change.Type switch
        {
            ResourceEventType.Error => ApiErrors.StatusBytes(change.Error!),
            ResourceEventType.Bookmark => BookmarkBytes(definition, change),
            _ => form == MediaTypes.ResourceForm.Json
                ? definition.ServedBytes(change.Object!.Value)
                : ObjectResponses.TableBytes(definition, form, ObjectJson.Parse(change.Object!.Value), api.Time.GetUtcNow(), query),
        };
        ObjectResponses.WriteEvent(body, change.Type, bytes);
        return EventOverhead + bytes.Length;
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
