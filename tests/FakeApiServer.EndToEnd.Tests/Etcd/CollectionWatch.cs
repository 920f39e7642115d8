using System.Text.Json.Nodes;

namespace FakeApiServer.EndToEnd.Tests.Etcd;

/// <summary>
/// Waits for a state of a collection the way an informer sees it: a list, then a watch from the list's
/// resourceVersion, keeping the objects by name until a condition holds. No polling: only events move it on.
/// </summary>
internal static class CollectionWatch
{
    /// <summary>
    /// Lists and watches <paramref name="path"/> (e.g. "api/v1/namespaces/default/pods") on <paramref name="server"/>
    /// until <paramref name="done"/> holds for the objects, and returns them.
    /// </summary>
    public static async Task<IReadOnlyList<JsonObject>> UntilAsync(Uri server, string path, Func<IReadOnlyList<JsonObject>, bool> done, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        var list = JsonNode.Parse(await http.GetStringAsync(path, cancellationToken))!;
        var objects = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var item in list["items"]!.AsArray())
        {
            objects[Key(item!)] = item!.AsObject();
        }

        var resourceVersion = (string)list["metadata"]!["resourceVersion"]!;
        while (!done([.. objects.Values]))
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            using var response = await http.GetAsync($"{path}{separator}watch=true&allowWatchBookmarks=true&resourceVersion={resourceVersion}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var reader = new StreamReader(stream);
            while (!done([.. objects.Values]) && await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var e = JsonNode.Parse(line)!;
                var type = (string)e["type"]!;
                var obj = e["object"]!.AsObject();
                Assert.NotEqual("ERROR", type);
                resourceVersion = (string)obj["metadata"]!["resourceVersion"]!;
                if (type == "DELETED")
                {
                    objects.Remove(Key(obj));
                }
                else if (type != "BOOKMARK")
                {
                    objects[Key(obj)] = obj;
                }
            }
        }

        return [.. objects.Values];
    }

    private static string Key(JsonNode obj) => $"{(string?)obj["metadata"]!["namespace"]}/{(string)obj["metadata"]!["name"]!}";
}
