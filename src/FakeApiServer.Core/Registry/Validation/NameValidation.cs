using System.Globalization;
using System.Text;

namespace FakeApiServer.Registry.Validation;

/// <summary>
/// Name and key formats of k8s.io/apimachinery pkg/util/validation (and its pkg/api/validate/content successor),
/// with upstream's exact messages. Each check returns the list of problems; an empty list means valid.
/// Lengths are counted in UTF-8 bytes, as Go's len() does.
/// </summary>
internal static class NameValidation
{
    /// <summary>Max length of a DNS-1123 label (RFC 1123).</summary>
    public const int Dns1123LabelMaxLength = 63;

    /// <summary>Max length of a DNS-1123 subdomain (RFC 1123).</summary>
    public const int Dns1123SubdomainMaxLength = 253;

    /// <summary>Max length of a DNS-1035 label.</summary>
    public const int Dns1035LabelMaxLength = 63;

    /// <summary>Max length of the name part of a qualified name (label key) and of a label value.</summary>
    public const int LabelKeyMaxLength = 63;

    /// <summary>Max length of a label value.</summary>
    public const int LabelValueMaxLength = 63;

    public const string Dns1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    public const string Dns1123SubdomainFmt = Dns1123LabelFmt + "(\\." + Dns1123LabelFmt + ")*";
    public const string Dns1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";
    public const string LabelKeyFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    public const string LabelValueFmt = "(" + LabelKeyFmt + ")?";

    private const string Dns1123LabelErrMsg =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";

    private const string Dns1123SubdomainErrMsg =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    private const string Dns1035LabelErrMsg =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";

    private const string LabelKeyErrMsg =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

    private const string LabelValueErrMsg =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

    private static readonly string[] NameMayNotBe = [".", ".."];
    private static readonly string[] NameMayNotContain = ["/", "%"];

    /// <summary>IsDNS1123Subdomain: names of most resources (e.g. ConfigMap, Deployment, Pod).</summary>
    public static IReadOnlyList<string> IsDns1123Subdomain(string value) => IsDns1123Subdomain(value, MaxLenCharactersError);

    /// <summary>IsDNS1123Label: namespace names, Service names are DNS-1035 (see <see cref="IsDns1035Label"/>).</summary>
    public static IReadOnlyList<string> IsDns1123Label(string value)
    {
        var errs = new List<string>();
        if (ByteLength(value) > Dns1123LabelMaxLength)
        {
            errs.Add(MaxLenCharactersError(Dns1123LabelMaxLength));
        }

        if (!IsDns1123LabelFormat(value))
        {
            errs.Add(IsDns1123SubdomainFormat(value)
                ? "must not contain dots"
                : RegexError(Dns1123LabelErrMsg, Dns1123LabelFmt, "my-name", "123-abc"));
        }

        return errs;
    }

    /// <summary>IsDNS1035Label: Service names.</summary>
    public static IReadOnlyList<string> IsDns1035Label(string value)
    {
        var errs = new List<string>();
        if (ByteLength(value) > Dns1035LabelMaxLength)
        {
            errs.Add(MaxLenCharactersError(Dns1035LabelMaxLength));
        }

        if (!IsDns1035LabelFormat(value))
        {
            errs.Add(RegexError(Dns1035LabelErrMsg, Dns1035LabelFmt, "my-name", "abc-123"));
        }

        return errs;
    }

    /// <summary>
    /// IsQualifiedName (content.IsLabelKey): label keys, annotation keys (lower-cased first), finalizers:
    /// an optional DNS-1123 subdomain prefix and '/', then a name of at most 63 characters.
    /// </summary>
    public static IReadOnlyList<string> IsQualifiedName(string value)
    {
        var errs = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                var prefix = parts[0];
                name = parts[1];
                if (prefix.Length == 0)
                {
                    errs.Add("prefix part " + EmptyError);
                }
                else
                {
                    errs.AddRange(IsDns1123Subdomain(prefix, MaxLenBytesError).Select(m => "prefix part " + m));
                }

                break;
            default:
                errs.Add("a valid label key " + RegexError(LabelKeyErrMsg, LabelKeyFmt, "MyName", "my.name", "123-abc") +
                    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
                return errs;
        }

        if (name.Length == 0)
        {
            errs.Add("name part " + EmptyError);
        }
        else if (ByteLength(name) > LabelKeyMaxLength)
        {
            errs.Add("name part " + MaxLenBytesError(LabelKeyMaxLength));
        }

        if (!IsLabelKeyNameFormat(name))
        {
            errs.Add("name part " + RegexError(LabelKeyErrMsg, LabelKeyFmt, "MyName", "my.name", "123-abc"));
        }

        return errs;
    }

    /// <summary>IsValidLabelValue (content.IsLabelValue): empty, or a label-key name of at most 63 characters.</summary>
    public static IReadOnlyList<string> IsValidLabelValue(string value)
    {
        var errs = new List<string>();
        if (ByteLength(value) > LabelValueMaxLength)
        {
            errs.Add(MaxLenBytesError(LabelValueMaxLength));
        }

        if (value.Length > 0 && !IsLabelKeyNameFormat(value))
        {
            errs.Add(RegexError(LabelValueErrMsg, LabelValueFmt, "MyValue", "my_value", "12345"));
        }

        return errs;
    }

    /// <summary>
    /// IsValidPathSegmentName (apimachinery api/validation/path): the minimum any name must satisfy to be put in a
    /// URL path; used for kinds without a stricter format (e.g. custom resources).
    /// </summary>
    public static IReadOnlyList<string> IsValidPathSegmentName(string name)
    {
        foreach (var illegal in NameMayNotBe)
        {
            if (name == illegal)
            {
                return [$"may not be '{illegal}'"];
            }
        }

        return NameMayNotContain.Where(c => name.Contains(c, StringComparison.Ordinal)).Select(c => $"may not contain '{c}'").ToList();
    }

    /// <summary>NameIsDNSSubdomain as a name validator for <see cref="ObjectMetaValidation.ValidateObjectMeta"/>.</summary>
    public static IReadOnlyList<string> NameIsDnsSubdomain(string name) => IsDns1123Subdomain(name);

    /// <summary>NameIsDNSLabel as a name validator for <see cref="ObjectMetaValidation.ValidateObjectMeta"/>.</summary>
    public static IReadOnlyList<string> NameIsDnsLabel(string name) => IsDns1123Label(name);

    /// <summary>NameIsDNS1035Label as a name validator for <see cref="ObjectMetaValidation.ValidateObjectMeta"/>.</summary>
    public static IReadOnlyList<string> NameIsDns1035Label(string name) => IsDns1035Label(name);

    /// <summary>
    /// Upstream maskTrailingDash, applied to a generateName before the name validator sees it, so that "web-" is
    /// judged as a name prefix. Kept exact: upstream drops the last TWO characters before appending 'a'
    /// ("web-" becomes "wea"). A lone "-" (which panics upstream) becomes "a".
    /// </summary>
    public static string MaskTrailingDash(string name)
    {
        if (!name.EndsWith('-'))
        {
            return name;
        }

        return name.Length >= 2 ? name[..^2] + "a" : "a";
    }

    /// <summary>RegexError: "msg (e.g. 'x' or 'y', regex used for validation is 'fmt')".</summary>
    public static string RegexError(string msg, string format, params string[] examples)
    {
        if (examples.Length == 0)
        {
            return msg + " (regex used for validation is '" + format + "')";
        }

        var sb = new StringBuilder(msg).Append(" (e.g. ");
        for (var i = 0; i < examples.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(" or ");
            }

            sb.Append('\'').Append(examples[i]).Append("', ");
        }

        return sb.Append("regex used for validation is '").Append(format).Append("')").ToString();
    }

    /// <summary>util/validation.MaxLenError, used by the DNS name checks.</summary>
    public static string MaxLenCharactersError(int length) =>
        string.Create(CultureInfo.InvariantCulture, $"must be no more than {length} characters");

    /// <summary>validate/content.MaxLenError, used by the label key and value checks.</summary>
    public static string MaxLenBytesError(int length) =>
        string.Create(CultureInfo.InvariantCulture, $"must be no more than {length} bytes");

    /// <summary>EmptyError.</summary>
    public const string EmptyError = "must be non-empty";

    /// <summary>The length Go's len() gives: UTF-8 bytes.</summary>
    public static int ByteLength(string value) => Encoding.UTF8.GetByteCount(value);

    private static List<string> IsDns1123Subdomain(string value, Func<int, string> maxLenError)
    {
        var errs = new List<string>();
        if (ByteLength(value) > Dns1123SubdomainMaxLength)
        {
            errs.Add(maxLenError(Dns1123SubdomainMaxLength));
        }

        if (!IsDns1123SubdomainFormat(value))
        {
            errs.Add(RegexError(Dns1123SubdomainErrMsg, Dns1123SubdomainFmt, "example.com"));
        }

        return errs;
    }

    private static bool IsLowerAlnum(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');

    private static bool IsAlnum(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');

    // [a-z0-9]([-a-z0-9]*[a-z0-9])?
    private static bool IsDns1123LabelFormat(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty || !IsLowerAlnum(s[0]) || !IsLowerAlnum(s[^1]))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!IsLowerAlnum(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDns1123SubdomainFormat(string s)
    {
        foreach (var label in s.Split('.'))
        {
            if (!IsDns1123LabelFormat(label))
            {
                return false;
            }
        }

        return true;
    }

    // [a-z]([-a-z0-9]*[a-z0-9])?
    private static bool IsDns1035LabelFormat(string s) => s.Length > 0 && s[0] is >= 'a' and <= 'z' && IsDns1123LabelFormat(s);

    // ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
    private static bool IsLabelKeyNameFormat(string s)
    {
        if (s.Length == 0 || !IsAlnum(s[0]) || !IsAlnum(s[^1]))
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!IsAlnum(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
