using System.Text.RegularExpressions;

namespace FakeApiServer.Schema.Cel.Library;

/// <summary>Kubernetes' regex library: <c>s.find(re)</c> (the first match, "" for none) and <c>s.findAll(re[, n])</c>.</summary>
internal static class CelRegexFunctions
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    public static bool TryCall(string function, object? target, IReadOnlyList<object> args, out object result)
    {
        result = CelNull.Value;
        if (target is not string s || args.Count == 0 || args[0] is not string pattern)
        {
            return false;
        }

        switch (function, args.Count)
        {
            case ("find", 1):
                var m = Compile(pattern).Match(s);
                result = m.Success ? m.Value : "";
                return true;
            case ("findAll", 1):
                result = Compile(pattern).Matches(s).Select(x => (object)x.Value).ToList();
                return true;
            case ("findAll", 2) when args[1] is long limit:
                var all = Compile(pattern).Matches(s).Select(x => (object)x.Value);
                result = (limit < 0 ? all : all.Take((int)Math.Min(limit, int.MaxValue))).ToList();
                return true;
            default:
                return false;
        }
    }

    private static Regex Compile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, Timeout);
        }
        catch (ArgumentException e)
        {
            throw new CelEvaluationException("invalid regular expression: " + e.Message);
        }
    }
}
