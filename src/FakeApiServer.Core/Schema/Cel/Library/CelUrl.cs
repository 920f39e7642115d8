using System.Text.RegularExpressions;

namespace FakeApiServer.Schema.Cel.Library;

/// <summary>
/// Kubernetes' URL library: <c>url(s)</c> (an absolute URI or an absolute path, as Go's url.ParseRequestURI),
/// <c>isURL(s)</c>, and getScheme, getHost, getHostname, getPort, getEscapedPath, getQuery.
/// </summary>
internal sealed partial record CelUrl(string Scheme, string Host, string Path, string Query)
{
    public const string TypeName = "kubernetes.URL";

    public static bool TryParse(string text, out CelUrl url)
    {
        url = new CelUrl("", "", "", "");
        var m = Shape().Match(text);
        if (!m.Success || text.Any(char.IsControl) || text.Contains(' ', StringComparison.Ordinal))
        {
            return false;
        }

        var scheme = m.Groups["scheme"].Value;
        var path = m.Groups["path"].Value;
        if (scheme.Length == 0 && !path.StartsWith('/'))
        {
            return false;
        }

        url = new CelUrl(scheme, m.Groups["host"].Value, path, m.Groups["query"].Value);
        return true;
    }

    public static bool TryCall(string function, object? target, IReadOnlyList<object> args, out object result)
    {
        result = CelNull.Value;
        switch (function, target, args.Count)
        {
            case ("url", null, 1) when args[0] is string s:
                result = TryParse(s, out var parsed) ? parsed : throw new CelEvaluationException("URL parse error during conversion from string: parse \"" + s + "\": invalid URI for request");
                return true;
            case ("isURL", null, 1) when args[0] is string s:
                result = TryParse(s, out _);
                return true;
            case ("getScheme", CelUrl u, 0):
                result = u.Scheme;
                return true;
            case ("getHost", CelUrl u, 0):
                result = u.Host;
                return true;
            case ("getHostname", CelUrl u, 0):
                result = u.Hostname();
                return true;
            case ("getPort", CelUrl u, 0):
                var hostname = u.Hostname();
                var rest = u.Host.StartsWith('[') ? u.Host[(u.Host.IndexOf(']', StringComparison.Ordinal) + 1)..] : u.Host[hostname.Length..];
                result = rest.StartsWith(':') ? rest[1..] : "";
                return true;
            case ("getEscapedPath", CelUrl u, 0):
                result = u.Path;
                return true;
            case ("getQuery", CelUrl u, 0):
                result = u.QueryMap();
                return true;
            default:
                return false;
        }
    }

    private string Hostname()
    {
        if (Host.StartsWith('['))
        {
            var end = Host.IndexOf(']', StringComparison.Ordinal);
            return end < 0 ? Host[1..] : Host[1..end];
        }

        var colon = Host.LastIndexOf(':');
        return colon < 0 ? Host : Host[..colon];
    }

    private CelMap QueryMap()
    {
        var values = new List<(string Key, List<object> Values)>();
        foreach (var pair in Query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            var at = values.FindIndex(v => v.Key == key);
            if (at < 0)
            {
                values.Add((key, [value]));
            }
            else
            {
                values[at].Values.Add(value);
            }
        }

        return new CelMap(values.Select(v => KeyValuePair.Create<object, object>(v.Key, v.Values)));
    }

    [GeneratedRegex(@"^(?:(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*):)?(?://(?<host>[^/?#]*))?(?<path>[^?#]*)(?:\?(?<query>[^#]*))?(?:#.*)?$")]
    private static partial Regex Shape();
}
