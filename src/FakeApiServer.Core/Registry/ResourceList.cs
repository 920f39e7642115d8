using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Storage;

namespace FakeApiServer.Registry;

/// <summary>One page of a list: the items, the snapshot revision they were read at, and the continue token.</summary>
internal sealed record ListResult(IReadOnlyList<StoredObject> Items, long Revision, string? Continue, long? RemainingItemCount);

/// <summary>
/// Lists of one resource as upstream serves them: read from one consistent snapshot chosen by resourceVersion
/// and resourceVersionMatch, filtered by label and field selectors, paginated with limit and an opaque continue
/// token that carries the snapshot revision (so every page reports the same revision; 410 once it is compacted).
/// </summary>
internal static class ResourceList
{
    public static ListResult List(ResourceDefinition definition, IRevisionedStore store, string ns, ListOptions options)
    {
        var filter = Filter(definition, options);
        StoreSnapshot snapshot;
        string? startAfter = null;
        if (!string.IsNullOrEmpty(options.Continue))
        {
            if (!string.IsNullOrEmpty(options.ResourceVersion) && options.ResourceVersion != "0")
            {
                throw ApiException.BadRequest("specifying resource version is not allowed when using continue");
            }

            (var revision, startAfter) = DecodeContinue(options.Continue);
            snapshot = store.SnapshotAt(revision) ?? throw ApiException.ContinueExpired();
        }
        else
        {
            snapshot = SnapshotFor(store, options.ResourceVersion, options.ResourceVersionMatch);
        }

        var prefix = definition.NamespacePrefix(ns);
        var limit = options.Limit is > 0 ? options.Limit.Value : long.MaxValue;
        var items = new List<StoredObject>();
        string? next = null;
        long remaining = 0;
        foreach (var stored in snapshot.Range(prefix, startAfter))
        {
            if (filter is not null && !filter(ObjectJson.Parse(stored.Value)))
            {
                continue;
            }

            if (items.Count < limit)
            {
                items.Add(stored);
                continue;
            }

            next ??= EncodeContinue(snapshot.Revision, items[^1].Key);
            if (filter is not null)
            {
                break;
            }

            remaining++;
        }

        return new ListResult(items, snapshot.Revision, next, next is not null && filter is null ? remaining : null);
    }

    /// <summary>The snapshot a list or get reads, per the resourceVersion semantics of the API concepts page.</summary>
    public static StoreSnapshot SnapshotFor(IRevisionedStore store, string? resourceVersion, string? match)
    {
        if (match is not (null or "" or "NotOlderThan" or "Exact"))
        {
            throw ApiException.BadRequest($"resourceVersionMatch: Unsupported value: \"{match}\": supported values: \"Exact\", \"NotOlderThan\", \"\"");
        }

        if (string.IsNullOrEmpty(resourceVersion))
        {
            if (!string.IsNullOrEmpty(match))
            {
                throw ApiException.BadRequest("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
            }

            return store.Latest;
        }

        var rv = ParseResourceVersion(resourceVersion);
        if (match == "Exact")
        {
            if (rv == 0)
            {
                throw ApiException.BadRequest("resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
            }

            return store.SnapshotAt(rv) ?? throw (rv > store.CurrentRevision
                ? ApiException.Timeout($"Too large resource version: {rv}, current: {store.CurrentRevision}")
                : ApiException.Expired(rv, store.CompactedRevision));
        }

        var latest = store.Latest;
        return rv <= latest.Revision
            ? latest
            : throw ApiException.Timeout($"Too large resource version: {rv}, current: {latest.Revision}");
    }

    public static long ParseResourceVersion(string resourceVersion) =>
        long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var rv)
            ? rv
            : throw ApiException.BadRequest($"Invalid value: \"{resourceVersion}\": invalid resource version");

    /// <summary>The selector predicate of a list or watch, or null when it selects everything; 400 for unsupported field labels.</summary>
    public static Func<JsonObject, bool>? Filter(ResourceDefinition definition, ListOptions options)
    {
        if (options.Labels.IsEverything && options.Fields.IsEverything)
        {
            return null;
        }

        var readers = new Dictionary<string, Func<JsonObject, string?>>(StringComparer.Ordinal);
        foreach (var requirement in options.Fields.Requirements)
        {
            readers[requirement.Field] = definition.FieldSelector(requirement.Field)
                ?? throw ApiException.BadRequest($"field label not supported: {requirement.Field}");
        }

        var labels = options.Labels;
        var fields = options.Fields;
        return obj => labels.Matches(obj.Labels()) && fields.Matches(f => readers[f](obj));
    }

    private static string EncodeContinue(long revision, string lastKey)
    {
        var json = new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = revision, ["start"] = lastKey + "\0" }.ToJsonString();
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static (long Revision, string StartAfter) DecodeContinue(string token)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var node = JsonNode.Parse(Convert.FromBase64String(base64));
            var rv = node?["rv"]?.GetValue<long>() ?? 0;
            var start = node?["start"]?.GetValue<string>() ?? "";
            if (rv <= 0 || start.Length == 0)
            {
                throw new FormatException();
            }

            return (rv, start.TrimEnd('\0'));
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            throw ApiException.BadRequest("continue key is not valid: " + e.Message);
        }
    }
}
