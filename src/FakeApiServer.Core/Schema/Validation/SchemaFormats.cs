using System.Globalization;
using System.Net;
using System.Net.Mail;
using System.Text.RegularExpressions;

namespace FakeApiServer.Schema.Validation;

/// <summary>
/// The string formats kube-openapi's strfmt registry knows (the ones a CRD schema may use for validation). A format
/// outside this list (int32, int64, float, double, int-or-string, or a made-up one) is not checked, as upstream.
/// Names are normalized as strfmt does: case-insensitive, without '-' and '_'.
/// </summary>
internal static partial class SchemaFormats
{
    /// <summary>Whether <paramref name="format"/> is checked on strings.</summary>
    public static bool IsKnown(string format) => Normalize(format) switch
    {
        "bsonobjectid" or "uri" or "email" or "hostname" or "ipv4" or "ipv6" or "cidr" or "mac" or "uuid" or "uuid3"
            or "uuid4" or "uuid5" or "isbn" or "isbn10" or "isbn13" or "creditcard" or "ssn" or "hexcolor" or "rgbcolor"
            or "byte" or "password" or "date" or "duration" or "datetime" => true,
        _ => false,
    };

    /// <summary>Whether <paramref name="value"/> has the (known) <paramref name="format"/>.</summary>
    public static bool IsValid(string format, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Normalize(format) switch
        {
            "bsonobjectid" => BsonObjectId().IsMatch(value),
            "uri" => Uri.TryCreate(value, UriKind.Absolute, out _),
            "email" => MailAddress.TryCreate(value, out _),
            "hostname" => Hostname().IsMatch(value) && value.Length <= 255,
            "ipv4" => IPAddress.TryParse(value, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && value.Count(c => c == '.') == 3,
            "ipv6" => IPAddress.TryParse(value, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6,
            "cidr" => IPNetwork.TryParse(value, out _),
            "mac" => Mac().IsMatch(value),
            "uuid" => Uuid().IsMatch(value),
            "uuid3" => Uuid3().IsMatch(value),
            "uuid4" => Uuid4().IsMatch(value),
            "uuid5" => Uuid5().IsMatch(value),
            "isbn" or "isbn10" or "isbn13" => Isbn().IsMatch(value),
            "creditcard" => CreditCard().IsMatch(value),
            "ssn" => Ssn().IsMatch(value),
            "hexcolor" => HexColor().IsMatch(value),
            "rgbcolor" => RgbColor().IsMatch(value),
            "byte" => IsBase64(value),
            "date" => DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            "duration" => IsDuration(value),
            "datetime" => IsDateTime(value),
            _ => true,
        };
    }

    /// <summary>RFC 3339 date-time, as strfmt.ParseDateTime accepts (fractional seconds and zone optional forms).</summary>
    public static bool IsDateTime(string value) =>
        DateTimeRegex().IsMatch(value)
        && DateTimeOffset.TryParse(value.Replace(' ', 'T'), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _);

    /// <summary>A Go duration ("1h30m", "300ms") or strfmt's "&lt;n&gt; &lt;unit&gt;" form ("3 days").</summary>
    public static bool IsDuration(string value) => GoDuration().IsMatch(value) || UnitDuration().IsMatch(value);

    private static bool IsBase64(string value)
    {
        var buffer = new byte[(value.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(value, buffer, out _);
    }

    private static string Normalize(string format) =>
        format.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    [GeneratedRegex("^[0-9a-fA-F]{24}$")]
    private static partial Regex BsonObjectId();

    [GeneratedRegex(@"^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z0-9-\p{L}]){2,63})$")]
    private static partial Regex Hostname();

    [GeneratedRegex("^([0-9A-Fa-f]{2}[:-]){5}([0-9A-Fa-f]{2})$|^([0-9A-Fa-f]{2}[:-]){7}([0-9A-Fa-f]{2})$|^([0-9A-Fa-f]{4}\\.){2}([0-9A-Fa-f]{4})$")]
    private static partial Regex Mac();

    [GeneratedRegex("^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")]
    private static partial Regex Uuid();

    [GeneratedRegex("^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?3[0-9a-fA-F]{3}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")]
    private static partial Regex Uuid3();

    [GeneratedRegex("^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?4[0-9a-fA-F]{3}-?[89abAB][0-9a-fA-F]{3}-?[0-9a-fA-F]{12}$")]
    private static partial Regex Uuid4();

    [GeneratedRegex("^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?5[0-9a-fA-F]{3}-?[89abAB][0-9a-fA-F]{3}-?[0-9a-fA-F]{12}$")]
    private static partial Regex Uuid5();

    [GeneratedRegex("^(?:[0-9]{9}X|[0-9]{10}|(?:97[89])?[0-9]{10})$")]
    private static partial Regex Isbn();

    [GeneratedRegex("^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\\d{3})\\d{11})$")]
    private static partial Regex CreditCard();

    [GeneratedRegex(@"^\d{3}[- ]?\d{2}[- ]?\d{4}$")]
    private static partial Regex Ssn();

    [GeneratedRegex("^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")]
    private static partial Regex HexColor();

    [GeneratedRegex(@"^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$")]
    private static partial Regex RgbColor();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$")]
    private static partial Regex DateTimeRegex();

    [GeneratedRegex(@"^[-+]?(\d+(\.\d*)?(ns|us|µs|μs|ms|s|m|h))+$|^0$")]
    private static partial Regex GoDuration();

    [GeneratedRegex(@"^(\d+)\s*(ns|us|µs|ms|s|m|h|d|w|nanoseconds?|microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?)$")]
    private static partial Regex UnitDuration();
}
