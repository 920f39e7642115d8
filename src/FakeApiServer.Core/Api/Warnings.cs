using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api;

/// <summary>
/// Warning response headers (RFC 7234 style, code 299), which kubectl prints as "Warning: text". Quotes and
/// backslashes are escaped; control and non-ASCII characters become <c>\uXXXX</c>.
/// </summary>
internal static class Warnings
{
    public static void Add(HttpContext context, string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '"' or '\\')
            {
                escaped.Append('\\');
            }

            if (c is < ' ' or > '~')
            {
                // Kestrel sends ASCII header values only (anything else is a 500); field names in warnings come
                // from request bodies, so escape the rest as Go's %q would.
                escaped.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                continue;
            }

            escaped.Append(c);
        }

        context.Response.Headers.Append("Warning", "299 - \"" + escaped + "\"");
    }
}
