using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Registry;

namespace FakeApiServer.Controllers;

/// <summary>
/// Records core/v1 Events about objects as client-go's event recorder does: one Event per (object, type, reason,
/// message, component), named "&lt;object name&gt;.&lt;hex timestamp&gt;"; a repeat increments count and lastTimestamp
/// instead of creating another. Written through the registry like any client's events.
/// </summary>
internal sealed class EventRecorder
{
    private readonly ResourceStore _events;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private long _sequence;

    public EventRecorder(ResourceCatalog catalog, TimeProvider time)
    {
        _events = catalog.Get("", "events");
        _time = time;
    }

    /// <summary>Records an event about <paramref name="involved"/> (a stored object) from <paramref name="component"/>.</summary>
    /// <param name="involved">The object the event is about.</param>
    /// <param name="type">"Normal" or "Warning".</param>
    /// <param name="reason">A CamelCase reason, e.g. "Scheduled".</param>
    /// <param name="message">The human-readable message.</param>
    /// <param name="component">The reporting component, e.g. "default-scheduler", "kubelet".</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task RecordAsync(JsonObject involved, string type, string reason, string message, string component, CancellationToken cancellationToken)
    {
        var ns = involved.Namespace().Length > 0 ? involved.Namespace() : "default";
        var key = string.Join('\u0000', involved.Uid(), type, reason, message, component);
        var now = _time.GetUtcNow();
        if (_names.TryGetValue(key, out var existing))
        {
            try
            {
                await _events.UpdateAsync(ns, existing, e =>
                {
                    e.Metadata().Remove("resourceVersion");
                    e["count"] = (e.GetInt64("count") ?? 1) + 1;
                    e["lastTimestamp"] = ObjectMeta.FormatTime(now);
                    return e;
                }, _events.Definition.Strategy, new WriteOptions(FieldManager: component), cancellationToken);
                return;
            }
            catch (ApiException e) when (e.Code == 404)
            {
                _names.TryRemove(key, out _);
            }
        }

        // UnixNano as client-go names events; the clock has millisecond steps, so a sequence fills the nanoseconds and
        // several events about one object in the same millisecond (Pulled, Created, Started) do not clash.
        var nanos = now.ToUnixTimeMilliseconds() * 1_000_000 + (Interlocked.Increment(ref _sequence) % 1_000_000);
        var name = involved.Name() + "." + nanos.ToString("x", CultureInfo.InvariantCulture);
        var meta = involved.Metadata();
        var apiVersion = involved.GetString("apiVersion");
        var evt = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["involvedObject"] = new JsonObject
            {
                ["kind"] = involved.GetString("kind"),
                ["namespace"] = meta.GetString("namespace"),
                ["name"] = meta.GetString("name"),
                ["uid"] = meta.GetString("uid"),
                ["apiVersion"] = apiVersion,
                ["resourceVersion"] = meta.GetString("resourceVersion"),
            },
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = new JsonObject { ["component"] = component },
            ["firstTimestamp"] = ObjectMeta.FormatTime(now),
            ["lastTimestamp"] = ObjectMeta.FormatTime(now),
            ["count"] = 1,
            ["type"] = type,
            ["eventTime"] = null,
            ["reportingComponent"] = component,
            ["reportingInstance"] = "",
        };
        try
        {
            await _events.CreateAsync(ns, evt, new WriteOptions(FieldManager: component), cancellationToken);
            _names[key] = name;
        }
        catch (ApiException e) when (e.Code is 403 or 404 or 409)
        {
            // The namespace is going away, or a racing recorder wrote the same name: an event is best effort, as upstream.
        }
    }
}
