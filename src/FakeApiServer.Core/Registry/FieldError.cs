using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Registry;

/// <summary>The kinds of field error, with the cause reasons and texts of k8s.io/apimachinery field.ErrorType.</summary>
internal enum FieldErrorType
{
    NotFound,
    Required,
    Duplicate,
    Invalid,
    NotSupported,
    Forbidden,
    TooLong,
    TooMany,
    Internal,
}

/// <summary>
/// One validation failure at a field path, as upstream's field.Error: many are collected into one 422 Invalid
/// Status whose message is "&lt;Kind&gt; "&lt;name&gt;" is invalid: &lt;errors joined by ", "&gt;".
/// </summary>
internal sealed record FieldError(FieldErrorType Type, string Field, object? BadValue, string Detail)
{
    public static FieldError Required(string field, string detail = "") => new(FieldErrorType.Required, field, null, detail);

    public static FieldError Invalid(string field, object? value, string detail) => new(FieldErrorType.Invalid, field, value, detail);

    public static FieldError Forbidden(string field, string detail) => new(FieldErrorType.Forbidden, field, null, detail);

    public static FieldError Duplicate(string field, object? value) => new(FieldErrorType.Duplicate, field, value, "");

    public static FieldError NotFound(string field, object? value) => new(FieldErrorType.NotFound, field, value, "");

    public static FieldError TooLong(string field, object? value, int max) =>
        new(FieldErrorType.TooLong, field, value, string.Create(CultureInfo.InvariantCulture, $"may not be more than {max} bytes"));

    public static FieldError TooMany(string field, int actual, int max) =>
        new(FieldErrorType.TooMany, field, actual, string.Create(CultureInfo.InvariantCulture, $"must have at most {max} items"));

    public static FieldError NotSupported(string field, object? value, IEnumerable<string> supported) =>
        new(FieldErrorType.NotSupported, field, value, "supported values: " + string.Join(", ", supported.Select(Quote)));

    /// <summary>The cause reason upstream puts in Status details (metav1.CauseType).</summary>
    public string Reason => Type switch
    {
        FieldErrorType.NotFound => "FieldValueNotFound",
        FieldErrorType.Required => "FieldValueRequired",
        FieldErrorType.Duplicate => "FieldValueDuplicate",
        FieldErrorType.Invalid => "FieldValueInvalid",
        FieldErrorType.NotSupported => "FieldValueNotSupported",
        FieldErrorType.Forbidden => "FieldValueForbidden",
        FieldErrorType.TooLong => "FieldValueTooLong",
        FieldErrorType.TooMany => "FieldValueTooMany",
        _ => "InternalError",
    };

    private string TypeText => Type switch
    {
        FieldErrorType.NotFound => "Not found",
        FieldErrorType.Required => "Required value",
        FieldErrorType.Duplicate => "Duplicate value",
        FieldErrorType.Invalid => "Invalid value",
        FieldErrorType.NotSupported => "Unsupported value",
        FieldErrorType.Forbidden => "Forbidden",
        FieldErrorType.TooLong => "Too long",
        FieldErrorType.TooMany => "Too many",
        _ => "Internal error",
    };

    /// <summary>The text after the field path, as field.Error.ErrorBody().</summary>
    public string Body
    {
        get
        {
            var text = Type switch
            {
                FieldErrorType.Required or FieldErrorType.Forbidden or FieldErrorType.TooLong or FieldErrorType.Internal => TypeText,
                _ => TypeText + ": " + FormatValue(BadValue),
            };
            return Detail.Length > 0 ? text + ": " + Detail : text;
        }
    }

    /// <summary>The whole error as upstream prints it: "field: body".</summary>
    private static readonly JsonWriterOptions QuoteOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public override string ToString() => Field.Length > 0 ? Field + ": " + Body : Body;

    /// <summary>Go's %q for printable text: quotes, backslashes and control characters escaped, other characters as they are.</summary>
    public static string Quote(string s)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, QuoteOptions))
        {
            writer.WriteStringValue(s);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string FormatValue(object? value) => value switch
    {
        null => "null",
        string s => Quote(s),
        GoLiteral g => g.Text,
        bool b => b ? "true" : "false",
        JsonValue v when v.TryGetValue(out string? s) => Quote(s),
        JsonNode n => n.ToJsonString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "null",
    };
}

/// <summary>A bad value printed as it is, e.g. Go's %#v of a map (map[string]string{"app":"web"}), where upstream prints a Go value.</summary>
internal sealed record GoLiteral(string Text);
