using System.Net;
using System.Net.Http.Headers;

namespace FakeApiServer.Load.Harness;

/// <summary>The raw HTTP driver: an HttpClient over SocketsHttpHandler with as many connections as users need.</summary>
internal static class HttpDriver
{
    /// <summary>JSON content type.</summary>
    public static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>RFC 7386 merge patch content type.</summary>
    public static readonly MediaTypeHeaderValue MergePatch = new("application/merge-patch+json");

    /// <summary>A client for <paramref name="baseAddress"/>: unlimited connections, no proxy, no decompression.</summary>
    public static HttpClient Create(Uri baseAddress) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        EnableMultipleHttp2Connections = true,
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromMinutes(10),
    };

    /// <summary>Sends a request and reads the whole body into a throw-away buffer; returns status and bytes.</summary>
    public static async ValueTask<StepResult> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using (request)
        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken))
        {
            var bytes = await DrainAsync(response, cancellationToken);
            return new StepResult((int)response.StatusCode, bytes);
        }
    }

    /// <summary>Sends a request and returns status and the whole body.</summary>
    public static async ValueTask<(int Status, byte[] Body)> SendForBodyAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using (request)
        using (var response = await client.SendAsync(request, cancellationToken))
        {
            return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
        }
    }

    /// <summary>A GET.</summary>
    public static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    /// <summary>A GET with an Accept header (e.g. the protobuf-first list client-go's typed clients send).</summary>
    public static HttpRequestMessage Get(string path, string? accept)
    {
        var request = Get(path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return request;
    }

    /// <summary>A request with a JSON (or merge patch) body.</summary>
    public static HttpRequestMessage WithBody(HttpMethod method, string path, byte[] body, MediaTypeHeaderValue? type = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = type ?? Json;
        return new HttpRequestMessage(method, path) { Content = content };
    }

    private static async Task<long> DrainAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
            }

            return total;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
