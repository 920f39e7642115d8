using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace FakeApiServer.Hosting.Flags;

/// <summary>
/// A program's flags, declared once (<see cref="Flag"/>) and parsed with System.CommandLine in Kubernetes (pflag) style:
/// <c>--name=value</c>, <c>--name value</c>, a boolean alone or with <c>=true|false</c>, a repeated flag's last value
/// winning, <c>-h</c>/<c>--help</c>. Problems are one-line <see cref="FormatException"/>s worded as pflag words them
/// ("unknown flag: --foo", "flag needs an argument: --port"). <see cref="Help"/> renders the flags grouped into sections
/// as kube-apiserver's help does (System.CommandLine's own help has no sections).
/// </summary>
public sealed class FlagSet
{
    private readonly RootCommand _root = new();
    private readonly HelpOption _help = new("--help", "-h");
    private readonly Dictionary<string, Flag> _flags = new(StringComparer.Ordinal);
    private readonly string _usage;
    private readonly string _summary;

    /// <summary>The flags of a program: <paramref name="usage"/> is the usage line, <paramref name="summary"/> what the program does.</summary>
    public FlagSet(string usage, string summary, IEnumerable<Flag> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        _usage = usage;
        _summary = summary;
        _root.Options.Clear();
        _root.Directives.Clear();
        _root.Options.Add(_help);
        foreach (var flag in flags)
        {
            _flags.Add(flag.Name, flag);
            _root.Options.Add(new Option<string[]>("--" + flag.Name)
            {
                Description = flag.Description,
                Arity = ArgumentArity.OneOrMore,
                AllowMultipleArgumentsPerToken = false,
            });
        }
    }

    /// <summary>The flags, in declaration order.</summary>
    public IReadOnlyCollection<Flag> Flags => _flags.Values;

    /// <summary>Whether a flag of this name (without dashes) is declared.</summary>
    public bool Contains(string name) => _flags.ContainsKey(name);

    /// <summary>
    /// The flags given, name to value in the order first given (a repeated flag keeps its last value; a boolean alone is
    /// "true"), or null when help was asked for. Throws <see cref="FormatException"/> with one line for anything else.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        // System.CommandLine reads "--name=" as "--name" taking the next argument, pflag as an empty value; and a boolean
        // alone takes no argument in pflag ("--in-memory --foo" is --in-memory=true, then an unknown flag).
        var tokens = new List<string>(args.Count);
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.EndsWith('=') && _flags.ContainsKey(arg[2..^1]))
            {
                tokens.Add(arg[..^1]);
                tokens.Add("");
            }
            else
            {
                tokens.Add(arg.StartsWith("--", StringComparison.Ordinal) && _flags.TryGetValue(arg[2..], out var flag) && flag.IsBoolean ? arg + "=true" : arg);
            }
        }

        var result = _root.Parse(tokens, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.GetResult(_help) is not null)
        {
            return null;
        }

        if (result.UnmatchedTokens.Count > 0)
        {
            var token = result.UnmatchedTokens[0];
            throw new FormatException(
                token.StartsWith("--", StringComparison.Ordinal) ? $"unknown flag: {token.Split('=', 2)[0]}"
                : token.Length > 1 && token[0] == '-' ? $"unknown shorthand flag: '{token[1]}' in {token}"
                : $"unexpected argument \"{token}\"; flags look like --name=value");
        }

        if (result.Errors.Count > 0)
        {
            throw new FormatException(result.Errors[0].SymbolResult is OptionResult { Tokens.Count: 0 } missing
                ? $"flag needs an argument: {missing.Option.Name}"
                : result.Errors[0].Message.ReplaceLineEndings(" "));
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        foreach (var token in result.Tokens)
        {
            if (token.Type == TokenType.Option && token.Value.StartsWith("--", StringComparison.Ordinal) && _flags.TryGetValue(token.Value[2..], out var flag))
            {
                current = flag.Name;
            }
            else if (token.Type == TokenType.Argument && current is not null)
            {
                values[current] = token.Value;
                current = null;
            }
        }

        return values;
    }

    /// <summary>The help text: summary, usage, then each section's flags with their value type, description and default.</summary>
    public string Help()
    {
        var text = new System.Text.StringBuilder();
        text.Append(_summary).Append("\n\nUsage:\n  ").Append(_usage).Append('\n');
        var width = _flags.Values.Max(f => Left(f).Length) + 3;
        foreach (var section in _flags.Values.GroupBy(f => f.Section))
        {
            text.Append('\n').Append(section.Key).Append(" flags:\n\n");
            foreach (var flag in section)
            {
                var left = Left(flag);
                var description = flag.Default.Length > 0 ? $"{flag.Description} (default {flag.Default})" : flag.Description;
                text.Append(left).Append(' ', width - left.Length);
                Wrap(text, description, width);
            }
        }

        text.Append('\n').Append("      -h, --help").Append(' ', Math.Max(1, width - 16)).Append("help for this program\n");
        return text.ToString();
    }

    private static string Left(Flag flag) => flag.IsBoolean ? $"      --{flag.Name}" : $"      --{flag.Name} {flag.ValueType}";

    /// <summary>The description in lines of at most 120 columns, the continuation lines indented to the description column.</summary>
    private static void Wrap(System.Text.StringBuilder text, string description, int indent)
    {
        var room = Math.Max(40, 120 - indent);
        var column = 0;
        foreach (var word in description.Split(' '))
        {
            if (column > 0 && column + 1 + word.Length > room)
            {
                text.Append('\n').Append(' ', indent);
                column = 0;
            }
            else if (column > 0)
            {
                text.Append(' ');
                column++;
            }

            text.Append(word);
            column += word.Length;
        }

        text.Append('\n');
    }
}
