using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Api.Protobuf;

namespace FakeApiServer.Faults;

/// <summary>Raw HTTP against the API, as the scenarios need it: no client library between them and the wire.</summary>
internal static class KubeHttp
{
    public static StringContent Json(string json, string contentType = "application/json") =>
        new(json, Encoding.UTF8, contentType);

    public static long ResourceVersion(JsonNode obj) =>
        long.Parse(obj["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    /// <summary>Sends a request and returns the status and the parsed body (null when the body is not JSON).</summary>
    public static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient http, HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonNode? body;
        try
        {
            body = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        return (response.StatusCode, body);
    }

    /// <summary>
    /// The body as text: JSON as sent, or a protobuf body (application/vnd.kubernetes.protobuf) decoded to its JSON form,
    /// so that the Status checks read either; a protobuf body that does not decode is returned as sent (and fails them).
    /// </summary>
    public static async Task<string> ReadBodyTextAsync(HttpResponseMessage response, ProtobufCodec protobuf, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType != ProtobufCodec.MediaType)
        {
            return await response.Content.ReadAsStringAsync(cancellationToken);
        }

        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            return protobuf.Decode(bytes).ToJsonString();
        }
        catch (Exception e) when (e is ProtobufFormatException or ProtobufUnsupportedKindException)
        {
            return Encoding.UTF8.GetString(bytes);
        }
    }

    /// <summary>
    /// Checks that an error body is a metav1.Status whose code equals the HTTP status and that has a reason;
    /// returns what is wrong, or null.
    /// </summary>
    public static string? StatusProblem(int code, string body)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return "the body is not JSON";
        }

        if (node is not JsonObject status)
        {
            return "the body is not a JSON object";
        }

        if ((string?)status["kind"] != "Status")
        {
            return "kind is not Status";
        }

        if (status["code"] is not JsonValue codeValue || !codeValue.TryGetValue<int>(out var statusCode) || statusCode != code)
        {
            return $"code {status["code"]?.ToJsonString() ?? "(missing)"} is not the HTTP status {code}";
        }

        return status["reason"] is JsonValue reason && reason.TryGetValue<string>(out var text) && text.Length > 0
            ? null
            : "the Status has no reason";
    }
}
