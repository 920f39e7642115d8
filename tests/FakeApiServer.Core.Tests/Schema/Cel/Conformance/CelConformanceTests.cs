using System.Globalization;
using FakeApiServer.Schema.Cel;
using Xunit.Abstractions;

namespace FakeApiServer.Tests.Schema.Cel.Conformance;

/// <summary>
/// A share of the public cel-spec conformance tests (testdata/, Apache-2.0, see testdata/README.md) against this
/// server's CEL engine. A test passes when the expression evaluates to the expected value of the same CEL type, or,
/// for an expected eval_error, fails with a CEL runtime error. The pass count may only go up: docs/cel.md lists the
/// figure and the tests that fail.
/// </summary>
public sealed class CelConformanceTests(ITestOutputHelper output)
{
    /// <summary>The pass count measured when the data was committed (docs/cel.md).</summary>
    private const int MinimumPassing = 387;

    [Fact]
    public void The_pass_count_of_the_cel_spec_share_does_not_drop()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Schema", "Cel", "Conformance", "testdata");
        var failed = new List<string>();
        var total = 0;
        foreach (var file in Directory.GetFiles(folder, "*.textproto").Order(StringComparer.Ordinal))
        {
            var suite = TextProto.Parse(File.ReadAllText(file));
            foreach (var section in suite.Messages("section"))
            {
                foreach (var test in section.Messages("test"))
                {
                    if (test.Scalar("check_only") == "true")
                    {
                        continue;
                    }

                    total++;
                    if (!Passes(test))
                    {
                        failed.Add($"{suite.Scalar("name")}/{section.Scalar("name")}/{test.Scalar("name")}");
                    }
                }
            }
        }

        var passed = total - failed.Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"passed {passed} of {total}"));
        failed.ForEach(output.WriteLine);
        Assert.True(passed >= MinimumPassing, string.Create(CultureInfo.InvariantCulture, $"passed {passed} of {total}, fewer than {MinimumPassing}"));
    }

    private static bool Passes(TextProto test)
    {
        var variables = new Dictionary<string, object>();
        foreach (var binding in test.Messages("bindings"))
        {
            if (binding.Message("value")?.Message("value") is not { } bound || Value(bound) is not { } value)
            {
                return false;
            }

            variables[binding.Scalar("key") ?? ""] = value;
        }

        var expectError = test.Message("eval_error") is not null;
        var expectedMessage = test.Message("value") ?? test.Message("typed_result")?.Message("result");
        object? expected = expectedMessage is null ? true : Value(expectedMessage);
        if (expected is null && !expectError)
        {
            return false;
        }

        try
        {
            var result = CelProgram.Compile(test.Scalar("expr") ?? "").Evaluate(variables);
            return !expectError && SameValue(expected!, result);
        }
        catch (CelEvaluationException)
        {
            return expectError;
        }
        catch (CelUnsupportedException)
        {
            return false;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    private static bool SameValue(object expected, object actual) =>
        (expected, actual) switch
        {
            (double e, double a) when double.IsNaN(e) => double.IsNaN(a),
            (IReadOnlyList<object> e, IReadOnlyList<object> a) => e.Count == a.Count && e.Zip(a).All(p => SameValue(p.First, p.Second)),
            (CelMap e, CelMap a) => e.Count == a.Count && e.Entries.All(x => a.TryGet(x.Key, out var v) && SameValue(x.Value, v)),
            _ => CelValues.TypeName(expected) == CelValues.TypeName(actual) && CelOperators.ValueEquals(expected, actual),
        };

    /// <summary>A cel.expr.Value as this engine's runtime value, or null for kinds it has no value for (messages, enums).</summary>
    private static object? Value(TextProto value)
    {
        var (name, raw) = value.Fields.FirstOrDefault();
        return (name, raw) switch
        {
            ("int64_value", string s) => long.Parse(s, CultureInfo.InvariantCulture),
            ("uint64_value", string s) => ulong.Parse(s, CultureInfo.InvariantCulture),
            ("double_value", string s) => s.ToLowerInvariant() switch
            {
                "inf" or "infinity" => double.PositiveInfinity,
                "-inf" or "-infinity" => double.NegativeInfinity,
                "nan" => double.NaN,
                _ => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture),
            },
            ("string_value", byte[] b) => System.Text.Encoding.UTF8.GetString(b),
            ("bytes_value", byte[] b) => b,
            ("bool_value", string s) => s == "true",
            ("null_value", _) => CelNull.Value,
            ("list_value", TextProto list) => List(list),
            ("map_value", TextProto map) => Map(map),
            ("type_value", byte[] b) => new CelType(System.Text.Encoding.UTF8.GetString(b)),
            _ => null,
        };
    }

    private static List<object>? List(TextProto list)
    {
        var items = list.Messages("values").Select(Value).ToList();
        return items.Any(i => i is null) ? null : [.. items.OfType<object>()];
    }

    private static CelMap? Map(TextProto map)
    {
        var entries = map.Messages("entries").Select(e => (Key: e.Message("key") is { } k ? Value(k) : null, Value: e.Message("value") is { } v ? Value(v) : null)).ToList();
        return entries.Any(e => e.Key is null || e.Value is null) ? null : new CelMap(entries.Select(e => KeyValuePair.Create(e.Key!, e.Value!)));
    }
}
