using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace FakeApiServer.Api;

/// <summary>YAML to a JSON tree with YAML 1.2 core-schema scalars (as sigs.k8s.io/yaml converts before decoding).</summary>
internal static class YamlJson
{
    // The same nesting limit as request JSON (RequestBody). YamlDotNet builds its node tree recursively, so a
    // body of 200,000 '[' would overflow the stack and end the process; the parser itself is not recursive.
    private const int MaxDepth = 256;

    // Aliases repeat a node without repeating its text ("billion laughs"): bound the expanded tree. A 3 MiB
    // body without aliases (at most about 1.5 million nodes) stays below this.
    private const int MaxExpandedNodes = 2 * 1024 * 1024;

    private const string ExcessiveAliasing = "error converting YAML to JSON: yaml: document contains excessive aliasing";

    public static JsonNode? Parse(byte[] utf8)
    {
        var text = Encoding.UTF8.GetString(utf8);
        var stream = new YamlStream();
        try
        {
            CheckDepth(text);
            using var reader = new StringReader(text);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw ApiException.BadRequest("error converting YAML to JSON: " + e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these, not a YamlException, on some malformed plain scalars and tags.
            throw ApiException.BadRequest("error converting YAML to JSON: " + e.Message);
        }

        if (stream.Documents.Count == 0)
        {
            return null;
        }

        var budget = new ExpansionBudget(MaxExpandedNodes);
        return Convert(stream.Documents[0].RootNode, budget);
    }

    private static void CheckDepth(string text)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            if (parser.Current is SequenceStart or MappingStart && ++depth > MaxDepth)
            {
                throw ApiException.BadRequest($"error converting YAML to JSON: yaml: exceeded max depth of {MaxDepth}");
            }

            if (parser.Current is SequenceEnd or MappingEnd)
            {
                depth--;
            }
        }
    }

    /// <summary>Every document of a multi-document YAML text (fixtures, kubectl-style files).</summary>
    public static IEnumerable<JsonNode?> ParseAll(string text)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(text);
        stream.Load(reader);
        return stream.Documents.Select(d => Convert(d.RootNode, new ExpansionBudget(MaxExpandedNodes)));
    }

    private static JsonNode? Convert(YamlNode node, ExpansionBudget budget)
    {
        if (--budget.Remaining < 0)
        {
            throw ApiException.BadRequest(ExcessiveAliasing);
        }

        // The representation model resolves an alias to its anchored node itself: a node seen before is an alias, and
        // one still being converted is an alias inside its own anchor, which would recurse without end.
        var anchored = !node.Anchor.IsEmpty;
        var alias = anchored && !budget.Seen.Add(node);
        if (anchored && !budget.Open.Add(node))
        {
            throw ApiException.BadRequest($"error converting YAML to JSON: yaml: anchor '{node.Anchor.Value}' value contains itself");
        }

        budget.CountNode(alias);
        try
        {
            return node switch
            {
                YamlMappingNode map => ConvertMap(map, budget),
                YamlSequenceNode seq => new JsonArray(seq.Children.Select(c => Convert(c, budget)).ToArray()),
                YamlScalarNode scalar => ConvertScalar(scalar),
                _ => null,
            };
        }
        finally
        {
            if (anchored)
            {
                budget.Open.Remove(node);
            }

            if (alias)
            {
                budget.AliasDepth--;
            }
        }
    }

    private static JsonObject ConvertMap(YamlMappingNode map, ExpansionBudget budget)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map.Children)
        {
            var name = key is YamlScalarNode s ? s.Value ?? "" : key.ToString();
            obj[name] = Convert(value, budget);
        }

        return obj;
    }

    private static JsonValue? ConvertScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        if (value.Length > 0 && (char.IsDigit(value[0]) || value[0] is '-' or '+' or '.')
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !double.IsInfinity(d))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(value);
    }

    /// <summary>
    /// How many more JSON nodes one document may expand to, and go-yaml's alias ratio (decode.go): once more than 100
    /// nodes were decoded inside aliases among more than 1,000, their share may be at most 99% up to 400,000 nodes,
    /// falling linearly to 10% at 4,000,000; beyond it the document "contains excessive aliasing". A billion-laughs
    /// body is refused after about a thousand nodes, before it costs time or memory.
    /// </summary>
    private sealed class ExpansionBudget(int remaining)
    {
        private const int RatioRangeLow = 400_000;
        private const int RatioRangeHigh = 4_000_000;

        private long _decoded;
        private long _aliased;

        public int Remaining { get; set; } = remaining;

        /// <summary>Anchored nodes converted at least once (a second visit is an alias).</summary>
        public HashSet<YamlNode> Seen { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary>Anchored nodes being converted now (an alias to one of them is recursive).</summary>
        public HashSet<YamlNode> Open { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary>How many aliases the node being converted is inside.</summary>
        public int AliasDepth { get; set; }

        public void CountNode(bool alias)
        {
            if (alias)
            {
                AliasDepth++;
            }

            _decoded++;
            if (AliasDepth > 0)
            {
                _aliased++;
            }

            if (_aliased > 100 && _decoded > 1000 && (double)_aliased / _decoded > AllowedAliasRatio(_decoded))
            {
                throw ApiException.BadRequest(ExcessiveAliasing);
            }
        }

        private static double AllowedAliasRatio(long decoded) => decoded switch
        {
            <= RatioRangeLow => 0.99,
            >= RatioRangeHigh => 0.10,
            _ => 0.99 - (0.89 * (decoded - RatioRangeLow) / (RatioRangeHigh - RatioRangeLow)),
        };
    }
}
