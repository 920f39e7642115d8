using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Security.Limits;

/// <summary>
/// Which requests are long-running, as kube-apiserver's BasicLongRunningRequestCheck: watches (a /watch/ path or
/// ?watch=true) and the streaming subresources (exec, attach, portforward, proxy, log). They are exempt from the
/// in-flight limits and the request timeout. Reads the path as a span: no allocation.
/// </summary>
internal static class LongRunningRequests
{
    public static bool IsLongRunning(HttpRequest request) => IsWatch(request) || IsStreamingSubresource(request.Path.Value);

    /// <summary>A watch: GET on /api/v1/watch/... or /apis/{group}/{version}/watch/..., or any resource GET with ?watch=true (or 1).</summary>
    public static bool IsWatch(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) || request.Path.Value is not { } path)
        {
            return false;
        }

        var segments = ApiPrefixSegments(path);
        if (segments == 0)
        {
            return false;
        }

        if (Segment(path.AsSpan(), segments).SequenceEqual("watch"))
        {
            return true;
        }

        return request.QueryString.Value is { } query && query.Contains("watch=", StringComparison.Ordinal)
            && request.Query["watch"].ToString() is "true" or "1" or "True";
    }

    private static bool IsStreamingSubresource(string? path)
    {
        if (path is null || ApiPrefixSegments(path) == 0)
        {
            return false;
        }

        var last = path.AsSpan().TrimEnd('/');
        last = last[(last.LastIndexOf('/') + 1)..];
        return last is "exec" or "attach" or "portforward" or "proxy" or "log";
    }

    /// <summary>2 for /api/{version}/..., 3 for /apis/{group}/{version}/..., 0 for anything else.</summary>
    private static int ApiPrefixSegments(string path) =>
        path.StartsWith("/api/", StringComparison.Ordinal) ? 2 : path.StartsWith("/apis/", StringComparison.Ordinal) ? 3 : 0;

    /// <summary>The path segment at <paramref name="index"/> (0 is the one after the leading slash), or empty.</summary>
    private static ReadOnlySpan<char> Segment(ReadOnlySpan<char> path, int index)
    {
        path = path[1..];
        for (var i = 0; i < index; i++)
        {
            var slash = path.IndexOf('/');
            if (slash < 0)
            {
                return [];
            }

            path = path[(slash + 1)..];
        }

        var end = path.IndexOf('/');
        return end >= 0 ? path[..end] : path;
    }
}
