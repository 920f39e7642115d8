using System.Collections;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FakeApiServer.Testing.Recording;

/// <summary>
/// The requests a cluster served while recording (<see cref="FakeCluster.StartRecording"/>), each with its answer, in
/// arrival order once answered (a watch shows up when it ends). Enumerate it with LINQ, or use the helpers for the
/// usual assertions; <see cref="Dump()"/> gives one line per request for a failure message. Disposing stops recording.
/// Bodies are copied only while a recording is active: a cluster with none does not wrap any request.
/// </summary>
public sealed class RequestRecording : IRequestObserver, IEnumerable<RecordedRequest>, IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<Capture>> _inFlight = new(StringComparer.Ordinal);
    private readonly List<RecordedRequest> _requests = [];
    private readonly IDisposable _subscription;
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sequence;

    internal RequestRecording(RequestFeed feed) => _subscription = feed.Subscribe(this);

    /// <summary>The requests answered so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests.OrderBy(r => r.Sequence)];
            }
        }
    }

    /// <summary>The requests of a verb, resource, name and namespace (null: any).</summary>
    /// <param name="verb">e.g. "patch".</param>
    /// <param name="resource">The plural, e.g. "deployments".</param>
    /// <param name="name">The object's name.</param>
    /// <param name="ns">The namespace.</param>
    public IReadOnlyList<RecordedRequest> For(string? verb = null, string? resource = null, string? name = null, string? ns = null) =>
        [.. Requests.Where(r => Matches(r, verb, resource, name, ns))];

    /// <summary>The writes (create, update, patch, delete, deletecollection) to a resource, or to one object of it (null: any).</summary>
    /// <param name="resource">The plural, e.g. "deployments"; null for every resource.</param>
    /// <param name="name">The object's name.</param>
    /// <param name="ns">The namespace.</param>
    public IReadOnlyList<RecordedRequest> Writes(string? resource = null, string? name = null, string? ns = null) =>
        [.. Requests.Where(r => r.IsWrite && Matches(r, null, resource, name, ns))];

    /// <summary>Throws <see cref="RecordingAssertionException"/> (with the recording) when any write to the resource (or object) was recorded.</summary>
    /// <param name="resource">The plural, e.g. "configmaps".</param>
    /// <param name="name">The object's name, or null for any.</param>
    /// <param name="ns">The namespace, or null for any.</param>
    public void AssertNoWrites(string resource, string? name = null, string? ns = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var writes = Writes(resource, name, ns);
        if (writes.Count > 0)
        {
            throw new RecordingAssertionException($"expected no writes to {Describe(resource, name, ns)}, found {writes.Count}:\n{Dump(writes)}\nall requests:\n{Dump()}");
        }
    }

    /// <summary>The last patch to an object (any subresource), or throws <see cref="RecordingAssertionException"/> when there was none.</summary>
    /// <param name="resource">The plural, e.g. "deployments".</param>
    /// <param name="name">The object's name.</param>
    /// <param name="ns">The namespace, or null for any.</param>
    public RecordedRequest LastPatch(string resource, string name, string? ns = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(name);
        var patches = For("patch", resource, name, ns);
        return patches.Count > 0
            ? patches[^1]
            : throw new RecordingAssertionException($"expected a patch to {Describe(resource, name, ns)}, found none; requests:\n{Dump()}");
    }

    /// <summary>
    /// Throws <see cref="RecordingAssertionException"/> unless the last patch to the object had exactly this body (compared
    /// as JSON, so spacing and property order do not matter).
    /// </summary>
    /// <param name="resource">The plural, e.g. "deployments".</param>
    /// <param name="name">The object's name.</param>
    /// <param name="expectedJson">The expected body, as JSON text.</param>
    /// <param name="ns">The namespace, or null for any.</param>
    public void AssertLastPatchBody(string resource, string name, string expectedJson, string? ns = null)
    {
        ArgumentNullException.ThrowIfNull(expectedJson);
        var last = LastPatch(resource, name, ns);
        var expected = JsonNode.Parse(expectedJson);
        if (!JsonNode.DeepEquals(expected, last.RequestBody))
        {
            throw new RecordingAssertionException(
                $"the last patch to {Describe(resource, name, ns)} had the body\n  {last.RequestBody?.ToJsonString() ?? "(none)"}\nexpected\n  {expected?.ToJsonString()}\nrequests:\n{Dump()}");
        }
    }

    /// <summary>
    /// Waits until a request that meets <paramref name="condition"/> has been answered (one already recorded counts),
    /// without polling: each answered request wakes the wait.
    /// </summary>
    /// <param name="condition">What the request must be.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>The first such request.</returns>
    public async Task<RecordedRequest> WaitForAsync(Func<RecordedRequest, bool> condition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            Task added;
            lock (_lock)
            {
                added = _added.Task;
            }

            if (Requests.FirstOrDefault(condition) is { } found)
            {
                return found;
            }

            try
            {
                await added.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new OperationCanceledException($"no recorded request met the condition; requests:\n{Dump()}", null, cancellationToken);
            }
        }
    }

    /// <summary>Forgets what was recorded so far (recording goes on).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _requests.Clear();
        }
    }

    /// <summary>One line per recorded request (see <see cref="RecordedRequest.ToString"/>), for a test's failure message.</summary>
    public string Dump() => Dump(Requests);

    /// <summary>One line per request.</summary>
    /// <param name="requests">The requests.</param>
    public static string Dump(IEnumerable<RecordedRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return string.Join('\n', requests.Select(r => r.ToString()));
    }

    /// <inheritdoc/>
    public IEnumerator<RecordedRequest> GetEnumerator() => Requests.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Stops recording; what was recorded stays readable.</summary>
    public void Dispose() => _subscription.Dispose();

    /// <inheritdoc/>
    void IRequestObserver.OnStarted(HttpContext context, RequestObservation observation)
    {
        var capture = new Capture(Interlocked.Increment(ref _sequence), context);
        context.Request.Body = new TeeReadStream(context.Request.Body, capture.Request);
        var prior = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        context.Features.Set<IHttpResponseBodyFeature>(new RecordingResponseBodyFeature(prior, capture.Response));
        lock (_lock)
        {
            if (!_inFlight.TryGetValue(observation.AuditId, out var queue))
            {
                _inFlight[observation.AuditId] = queue = new Queue<Capture>(1);
            }

            queue.Enqueue(capture);
        }
    }

    /// <inheritdoc/>
    void IRequestObserver.OnCompleted(CompletedRequest request)
    {
        Capture? capture = null;
        lock (_lock)
        {
            if (_inFlight.TryGetValue(request.AuditId, out var queue))
            {
                capture = queue.Dequeue();
                if (queue.Count == 0)
                {
                    _inFlight.Remove(request.AuditId);
                }
            }
        }

        if (capture is null)
        {
            return;
        }

        var recorded = capture.Complete(request);
        TaskCompletionSource added;
        lock (_lock)
        {
            _requests.Add(recorded);
            added = _added;
            _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        added.TrySetResult();
    }

    private static bool Matches(RecordedRequest r, string? verb, string? resource, string? name, string? ns) =>
        (verb is null || r.Verb == verb) && (resource is null || r.Resource == resource) && (name is null || r.Name == name) && (ns is null || r.Namespace == ns);

    private static string Describe(string resource, string? name, string? ns) =>
        resource + (name is null ? "" : " " + (ns is null ? name : ns + "/" + name)) + (name is null && ns is not null ? " in " + ns : "");

    /// <summary>What is copied of one request while it is served.</summary>
    private sealed class Capture(long sequence, HttpContext context)
    {
        private HttpContext? _context = context;

        public CapturedBody Request { get; } = new();

        public CapturedBody Response { get; } = new();

        /// <summary>Reads the content types off the context (still the request's: observers are told before it is recycled) and lets it go.</summary>
        public RecordedRequest Complete(CompletedRequest request)
        {
            var requestType = _context?.Request.ContentType ?? "";
            var responseType = _context?.Response.ContentType ?? "";
            _context = null;
            var truncated = Request.Truncated || Response.Truncated;
            var isWatch = request.Verb == "watch";
            return new RecordedRequest
            {
                Sequence = sequence,
                AuditId = request.AuditId,
                Verb = request.Verb,
                Method = request.Method,
                Path = request.Path,
                Query = request.Query,
                Group = request.Group,
                Version = request.Version,
                Resource = request.Resource,
                Subresource = request.Subresource,
                Namespace = request.Namespace,
                Name = request.Name,
                User = request.User,
                RequestContentType = requestType,
                RequestBody = truncated ? null : ParseBody(Request.ToArray(), requestType),
                StatusCode = request.StatusCode,
                ResponseContentType = responseType,
                ResponseBody = truncated || isWatch ? null : ParseBody(Response.ToArray(), responseType),
                WatchEvents = isWatch && !Response.Truncated ? ParseEvents(Response.ToArray()) : [],
                Started = request.Started,
                Latency = request.Latency,
                Truncated = truncated,
            };
        }

        private static JsonNode? ParseBody(byte[] body, string contentType)
        {
            if (body.Length == 0)
            {
                return null;
            }

            try
            {
                if (contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase))
                {
                    return Api.YamlJson.Parse(body);
                }

                return contentType.Length == 0 || contentType.Contains("json", StringComparison.OrdinalIgnoreCase) ? JsonNode.Parse(body) : null;
            }
            catch (Exception e) when (e is JsonException or Api.ApiException)
            {
                return null;
            }
        }

        private static List<JsonObject> ParseEvents(byte[] stream)
        {
            var events = new List<JsonObject>();
            foreach (var line in Encoding.UTF8.GetString(stream).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                try
                {
                    if (JsonNode.Parse(line) is JsonObject e)
                    {
                        events.Add(e);
                    }
                }
                catch (JsonException)
                {
                    // Not a JSON watch (protobuf frames): no events to show.
                    return [];
                }
            }

            return events;
        }
    }
}
