using System.Text.RegularExpressions;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// Which commands an exec rule answers: the whole argv (<see cref="Exact"/>), its first words (<see cref="Prefix"/>),
/// or a regular expression over the argv joined by single spaces (<see cref="Pattern"/>); with none of them, any command.
/// </summary>
internal sealed record CommandMatch(IReadOnlyList<string>? Exact, IReadOnlyList<string>? Prefix, Regex? Pattern)
{
    /// <summary>Any command.</summary>
    public static CommandMatch Any { get; } = new(null, null, null);

    /// <summary>How long a command pattern may take to match one command before it counts as no match.</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromSeconds(1);

    public bool Matches(IReadOnlyList<string> command)
    {
        if (Exact is not null && !command.SequenceEqual(Exact, StringComparer.Ordinal))
        {
            return false;
        }

        if (Prefix is not null && (command.Count < Prefix.Count || !command.Take(Prefix.Count).SequenceEqual(Prefix, StringComparer.Ordinal)))
        {
            return false;
        }

        try
        {
            return Pattern is null || Pattern.IsMatch(string.Join(' ', command));
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>A pattern as a rule gives it (.NET regular expression syntax, compatible with RE2 for the usual cases).</summary>
    public static Regex CompilePattern(string pattern) => new(pattern, RegexOptions.CultureInvariant, PatternTimeout);
}
