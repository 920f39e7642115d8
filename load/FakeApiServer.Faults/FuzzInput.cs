namespace FakeApiServer.Faults;

/// <summary>One generated request: what the fuzzer sends, and a short description to print when it fails.</summary>
internal sealed record FuzzInput(string Kind, HttpMethod Method, string Path, string? ContentType, byte[]? Body, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public string Describe()
    {
        var body = Body is null ? "" : " body " + (Body.Length > 300
            ? $"({Body.Length} bytes) {Convert.ToHexString(Body.AsSpan(0, 64))}..."
            : System.Text.Json.JsonSerializer.Serialize(System.Text.Encoding.UTF8.GetString(Body)));
        var headers = string.Join(", ", Headers.Select(h => $"{h.Key}: {h.Value}"));
        return $"[{Kind}] {Method} /{Path} content-type {ContentType ?? "(none)"}{(headers.Length > 0 ? " headers " + headers : "")}{body}";
    }
}
