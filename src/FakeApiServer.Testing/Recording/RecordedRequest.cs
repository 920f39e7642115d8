using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace FakeApiServer.Testing.Recording;

/// <summary>
/// One request a <see cref="RequestRecording"/> saw, with its answer: what was asked (verb, path, query, user,
/// body), how it was answered (status, body, latency) and, for a watch, the events it sent.
/// </summary>
public sealed record RecordedRequest
{
    /// <summary>The position of the request in the recording, by arrival (1 for the first).</summary>
    public required long Sequence { get; init; }

    /// <summary>The request's audit ID (the response's Audit-Id header).</summary>
    public required string AuditId { get; init; }

    /// <summary>The Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection (a non-resource request: the lowercase method).</summary>
    public required string Verb { get; init; }

    /// <summary>The HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>The path as sent.</summary>
    public required string Path { get; init; }

    /// <summary>The query string as sent, with its leading '?' ("" when none).</summary>
    public required string Query { get; init; }

    /// <summary>The API group ("" for the core group).</summary>
    public required string Group { get; init; }

    /// <summary>The API version.</summary>
    public required string Version { get; init; }

    /// <summary>The resource (plural, e.g. "deployments"); "" for a non-resource request.</summary>
    public required string Resource { get; init; }

    /// <summary>The subresource (e.g. "status"), or "".</summary>
    public required string Subresource { get; init; }

    /// <summary>The namespace, or "".</summary>
    public required string Namespace { get; init; }

    /// <summary>The object's name, or "" (lists, watches of a collection, creates without a name in the path).</summary>
    public required string Name { get; init; }

    /// <summary>The user the request ran as.</summary>
    public required string User { get; init; }

    /// <summary>The request's fieldManager query parameter, or null.</summary>
    public string? FieldManager => QueryValue("fieldManager");

    /// <summary>The request's Content-Type, or "".</summary>
    public required string RequestContentType { get; init; }

    /// <summary>The request body as JSON (a YAML body converted), or null when there was none or it was not JSON or YAML.</summary>
    public JsonNode? RequestBody { get; init; }

    /// <summary>The HTTP status code of the answer.</summary>
    public required int StatusCode { get; init; }

    /// <summary>The response's Content-Type, or "".</summary>
    public required string ResponseContentType { get; init; }

    /// <summary>The response body as JSON (a Status for an error), or null: none, not JSON (protobuf, logs), or a watch (see <see cref="WatchEvents"/>).</summary>
    public JsonNode? ResponseBody { get; init; }

    /// <summary>For a watch, the events sent as JSON ({"type":..., "object":...}), in order; empty otherwise.</summary>
    public required IReadOnlyList<JsonObject> WatchEvents { get; init; }

    /// <summary>When the request arrived, by the server's clock.</summary>
    public required DateTimeOffset Started { get; init; }

    /// <summary>From arrival to the end of the answer, by the server's clock.</summary>
    public required TimeSpan Latency { get; init; }

    /// <summary>Whether a body was longer than the recording keeps (1 MiB); what was kept is not parsed.</summary>
    public bool Truncated { get; init; }

    /// <summary>Whether the verb writes (create, update, patch, delete, deletecollection).</summary>
    public bool IsWrite => Verb is "create" or "update" or "patch" or "delete" or "deletecollection";

    /// <summary>The value of a query parameter (the first when repeated), unescaped, or null.</summary>
    /// <param name="name">The parameter's name.</param>
    public string? QueryValue(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var pair in Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            if (key == name)
            {
                return equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            }
        }

        return null;
    }

    /// <summary>
    /// One line: sequence, verb, path and query, status, user, latency, then the request body (shortened) or, for a
    /// watch, its event count; e.g. <c>#3 patch /apis/apps/v1/namespaces/default/deployments/web 409 admin 1.2ms {"spec":{"replicas":3}}</c>.
    /// </summary>
    public override string ToString()
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"#{Sequence} {Verb} {Path}{Query} {StatusCode} {User} {Latency.TotalMilliseconds:0.#}ms");
        if (Verb == "watch")
        {
            line.Append(CultureInfo.InvariantCulture, $" events={WatchEvents.Count}");
        }
        else if (RequestBody is not null)
        {
            var body = RequestBody.ToJsonString();
            line.Append(' ').Append(body.Length > 160 ? body[..157] + "..." : body);
        }

        if (StatusCode >= 400 && ResponseBody?["message"] is { } message)
        {
            line.Append(" → ").Append((string?)message);
        }

        return line.ToString();
    }
}
