using System.Text;
using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api;

/// <summary>Warning response headers (RFC 7234 style, code 299), which kubectl prints as "Warning: text".</summary>
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

            escaped.Append(c);
        }

        context.Response.Headers.Append("Warning", "299 - \"" + escaped + "\"");
    }
}
