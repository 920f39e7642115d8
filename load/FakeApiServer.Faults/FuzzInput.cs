namespace FakeApiServer.Faults;

/// <summary>One generated request: what the fuzzer sends, and a short description to print when it fails.</summary>
internal sealed record FuzzInput(string Kind, HttpMethod Method, string Path, string? ContentType, byte[]? Body, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>A whole HTTP/1.1 request sent as bytes over a socket (bodies that lie about their length); null for normal requests.</summary>
    public byte[]? Raw { get; init; }

    /// <summary>Send <see cref="Raw"/> a few bytes at a time, slowly.</summary>
    public bool Trickle { get; init; }

    public string Describe()
    {
        if (Raw is not null)
        {
            return $"[{Kind}] raw{(Trickle ? " trickled" : "")} " + System.Text.Json.JsonSerializer.Serialize(System.Text.Encoding.UTF8.GetString(Raw.AsSpan(0, Math.Min(Raw.Length, 400))));
        }

        var body = Body is null ? "" : " body " + (Body.Length > 300
            ? $"({Body.Length} bytes) {Convert.ToHexString(Body.AsSpan(0, 64))}..."
            : System.Text.Json.JsonSerializer.Serialize(System.Text.Encoding.UTF8.GetString(Body)));
        var headers = string.Join(", ", Headers.Select(h => $"{h.Key}: {h.Value}"));
        return $"[{Kind}] {Method} /{Path} content-type {ContentType ?? "(none)"}{(headers.Length > 0 ? " headers " + headers : "")}{body}";
    }
}
