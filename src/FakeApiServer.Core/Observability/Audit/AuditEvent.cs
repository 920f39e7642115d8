using System.Globalization;
using System.Text.Json;
using FakeApiServer.Security;

namespace FakeApiServer.Observability.Audit;

/// <summary>
/// One request's audit event (audit.k8s.io/v1 Event) as it fills in while the request is served. Each stage writes
/// it as it is then, with <see cref="Encode"/>: the fields in the order and with the omissions of the Go struct,
/// timestamps in microseconds, and &lt;, &gt; and &amp; escaped as Go's JSON encoder escapes them.
/// </summary>
internal sealed class AuditEvent
{
    public const string ApiVersion = "audit.k8s.io/v1";

    private const string MicroTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public required AuditLevel Level { get; init; }

    public required string AuditId { get; init; }

    public string Stage { get; set; } = "";

    public required string RequestUri { get; init; }

    public required string Verb { get; init; }

    public required UserInfo User { get; init; }

    public UserInfo? ImpersonatedUser { get; set; }

    public IReadOnlyList<string> SourceIps { get; init; } = [];

    public string UserAgent { get; init; } = "";

    public AuditObjectReference? ObjectRef { get; set; }

    public AuditResponseStatus? ResponseStatus { get; set; }

    /// <summary>The request's object as compact JSON (Request and RequestResponse levels).</summary>
    public byte[]? RequestObject { get; set; }

    /// <summary>The response's object as compact JSON (RequestResponse level).</summary>
    public byte[]? ResponseObject { get; set; }

    public required DateTimeOffset RequestReceivedTimestamp { get; init; }

    public DateTimeOffset StageTimestamp { get; set; }

    /// <summary>Annotations, in key order (Go writes a map's keys sorted).</summary>
    public SortedDictionary<string, string> Annotations { get; } = new(StringComparer.Ordinal);

    /// <summary>The event as one JSON document (no newline), as upstream's json encoder writes it.</summary>
    public byte[] Encode()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", "Event");
            writer.WriteString("apiVersion", ApiVersion);
            writer.WriteString("level", Level.ToString());
            writer.WriteString("auditID", AuditId);
            writer.WriteString("stage", Stage);
            writer.WriteString("requestURI", RequestUri);
            writer.WriteString("verb", Verb);
            writer.WritePropertyName("user");
            WriteUser(writer, User);
            if (ImpersonatedUser is not null)
            {
                writer.WritePropertyName("impersonatedUser");
                WriteUser(writer, ImpersonatedUser);
            }

            WriteStrings(writer, "sourceIPs", SourceIps);
            WriteNonEmpty(writer, "userAgent", UserAgent);
            if (ObjectRef is { } reference)
            {
                writer.WriteStartObject("objectRef");
                WriteNonEmpty(writer, "resource", reference.Resource);
                WriteNonEmpty(writer, "namespace", reference.Namespace);
                WriteNonEmpty(writer, "name", reference.Name);
                WriteNonEmpty(writer, "uid", reference.Uid);
                WriteNonEmpty(writer, "apiGroup", reference.ApiGroup);
                WriteNonEmpty(writer, "apiVersion", reference.ApiVersion);
                WriteNonEmpty(writer, "resourceVersion", reference.ResourceVersion);
                WriteNonEmpty(writer, "subresource", reference.Subresource);
                writer.WriteEndObject();
            }

            if (ResponseStatus is { } status)
            {
                writer.WriteStartObject("responseStatus");
                // metav1.Status' ListMeta has omitempty, which Go's encoder does not apply to a struct.
                writer.WriteStartObject("metadata");
                writer.WriteEndObject();
                WriteNonEmpty(writer, "status", status.Status);
                WriteNonEmpty(writer, "message", status.Message);
                WriteNonEmpty(writer, "reason", status.Reason);
                if (status.Details is not null)
                {
                    writer.WritePropertyName("details");
                    status.Details.WriteTo(writer);
                }

                if (status.Code != 0)
                {
                    writer.WriteNumber("code", status.Code);
                }

                writer.WriteEndObject();
            }

            WriteRaw(writer, "requestObject", RequestObject);
            WriteRaw(writer, "responseObject", ResponseObject);
            writer.WriteString("requestReceivedTimestamp", MicroTime(RequestReceivedTimestamp));
            writer.WriteString("stageTimestamp", MicroTime(StageTimestamp));
            if (Annotations.Count > 0)
            {
                writer.WriteStartObject("annotations");
                foreach (var (key, value) in Annotations)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return GoHtmlEscaping(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>metav1.MicroTime's JSON form: RFC 3339 in UTC with six fractional digits.</summary>
    public static string MicroTime(DateTimeOffset time) => time.UtcDateTime.ToString(MicroTimeFormat, CultureInfo.InvariantCulture);

    private static void WriteUser(Utf8JsonWriter writer, UserInfo user)
    {
        writer.WriteStartObject();
        WriteNonEmpty(writer, "username", user.Name);
        WriteNonEmpty(writer, "uid", user.Uid);
        WriteStrings(writer, "groups", user.Groups);
        if (user.Extra.Count > 0)
        {
            writer.WriteStartObject("extra");
            foreach (var (key, values) in user.Extra.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                writer.WriteStartArray(key);
                foreach (var value in values)
                {
                    writer.WriteStringValue(value);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteNonEmpty(Utf8JsonWriter writer, string name, string value)
    {
        if (value.Length > 0)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteRaw(Utf8JsonWriter writer, string name, byte[]? json)
    {
        if (json is not null)
        {
            writer.WritePropertyName(name);
            writer.WriteRawValue(json, skipInputValidation: true);
        }
    }

    /// <summary>
    /// Go's encoding/json escapes &lt;, &gt; and &amp; (and U+2028, U+2029) in every string, embedded raw objects included;
    /// those bytes occur only inside strings, so replacing them everywhere is the same.
    /// </summary>
    private static byte[] GoHtmlEscaping(ReadOnlySpan<byte> json)
    {
        var output = new List<byte>(json.Length + 16);
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            string? escape = b switch
            {
                (byte)'<' => "\\u003c",
                (byte)'>' => "\\u003e",
                (byte)'&' => "\\u0026",
                0xE2 when i + 2 < json.Length && json[i + 1] == 0x80 && json[i + 2] is 0xA8 or 0xA9 => json[i + 2] == 0xA8 ? "\\u2028" : "\\u2029",
                _ => null,
            };
            if (escape is null)
            {
                output.Add(b);
                continue;
            }

            output.AddRange(System.Text.Encoding.ASCII.GetBytes(escape));
            if (b == 0xE2)
            {
                i += 2;
            }
        }

        return [.. output];
    }
}
