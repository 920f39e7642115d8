using System.Globalization;
using System.Text.Json.Nodes;

namespace FakeApiServer.Registry.CustomResources;

/// <summary>
/// The JSONPath subset of additionalPrinterColumns (and of the scale subresource's paths), as CRD validation allows
/// it: field steps (<c>.a.b</c>), an index (<c>.a[0].b</c>) and every element (<c>.a[*].b</c>), optionally inside
/// braces (<c>{.a.b}</c>). Missing steps give no result, as client-go's jsonpath with AllowMissingKeys.
/// </summary>
internal sealed class PrinterColumnPath
{
    private readonly IReadOnlyList<Step> _steps;

    private PrinterColumnPath(string text, IReadOnlyList<Step> steps)
    {
        Text = text;
        _steps = steps;
    }

    public string Text { get; }

    /// <summary>Parses a path; null (with the reason) when it is outside the subset.</summary>
    public static PrinterColumnPath? TryParse(string text, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = "";
        var body = text.Trim();
        if (body.StartsWith('{') && body.EndsWith('}'))
        {
            body = body[1..^1].Trim();
        }

        if (!body.StartsWith('.'))
        {
            error = "must be a simple json path starting with .";
            return null;
        }

        var steps = new List<Step>();
        var i = 0;
        while (i < body.Length)
        {
            if (body[i] == '.')
            {
                var start = ++i;
                while (i < body.Length && body[i] != '.' && body[i] != '[')
                {
                    i++;
                }

                if (i == start)
                {
                    if (i == body.Length && steps.Count == 0)
                    {
                        break; // "." is the whole object
                    }

                    error = "must be a simple json path";
                    return null;
                }

                steps.Add(new Step(body[start..i], null, false));
            }
            else if (body[i] == '[')
            {
                var end = body.IndexOf(']', i);
                if (end < 0)
                {
                    error = "unclosed array expect ]";
                    return null;
                }

                var index = body[(i + 1)..end].Trim();
                if (index == "*")
                {
                    steps.Add(new Step(null, null, true));
                }
                else if (int.TryParse(index, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                {
                    steps.Add(new Step(null, n, false));
                }
                else
                {
                    error = "must be a simple json path";
                    return null;
                }

                i = end + 1;
            }
            else
            {
                error = "must be a simple json path";
                return null;
            }
        }

        return new PrinterColumnPath(text, steps);
    }

    /// <summary>Every value the path reaches in <paramref name="obj"/>, in document order.</summary>
    public IReadOnlyList<JsonNode?> Find(JsonNode? obj)
    {
        IEnumerable<JsonNode?> current = [obj];
        foreach (var step in _steps)
        {
            current = current.SelectMany(node => Apply(step, node)).ToList();
        }

        return current.ToList();
    }

    private static IEnumerable<JsonNode?> Apply(Step step, JsonNode? node)
    {
        if (step.Field is { } field)
        {
            if (node is JsonObject o && o.TryGetPropertyValue(field, out var value))
            {
                yield return value;
            }
        }
        else if (node is JsonArray array)
        {
            if (step.All)
            {
                foreach (var item in array)
                {
                    yield return item;
                }
            }
            else if (step.Index is { } index)
            {
                var at = index < 0 ? array.Count + index : index;
                if (at >= 0 && at < array.Count)
                {
                    yield return array[at];
                }
            }
        }
    }

    private sealed record Step(string? Field, int? Index, bool All);
}
