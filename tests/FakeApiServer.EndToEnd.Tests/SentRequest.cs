namespace FakeApiServer.EndToEnd.Tests;

/// <summary>A request as it went through the proxy: "POST /api/v1/namespaces HTTP/1.1" and its media type headers.</summary>
public sealed record SentRequest(string Line, string? ContentType, string? Accept);
