using FakeApiServer.SimulatedContainers;

namespace FakeApiServer.Testing;

/// <summary>Which commands an exec rule of <see cref="FakeContainers"/> answers.</summary>
public sealed class ExecCommand
{
    private ExecCommand(CommandMatch match) => Match = match;

    /// <summary>Any command.</summary>
    public static ExecCommand Any { get; } = new(CommandMatch.Any);

    internal CommandMatch Match { get; }

    /// <summary>Exactly this argv (e.g. "pg_isready", "-U", "postgres").</summary>
    /// <param name="argv">The command and its arguments.</param>
    public static ExecCommand Exact(params string[] argv) => new(new CommandMatch([.. argv], null, null));

    /// <summary>Commands whose argv starts with these words (e.g. "psql").</summary>
    /// <param name="words">The first words.</param>
    public static ExecCommand Prefix(params string[] words) => new(new CommandMatch(null, [.. words], null));

    /// <summary>Commands whose argv, joined by single spaces, matches the .NET regular expression <paramref name="pattern"/>.</summary>
    /// <param name="pattern">The pattern.</param>
    public static ExecCommand Regex(string pattern) => new(new CommandMatch(null, null, CommandMatch.CompilePattern(pattern)));
}
