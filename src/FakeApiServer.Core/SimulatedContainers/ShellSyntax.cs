using System.Text;

namespace FakeApiServer.SimulatedContainers;

/// <summary>A redirection of a simple command: <c>&gt; file</c>, <c>&gt;&gt; file</c>, <c>&lt; file</c>, <c>2&gt; file</c>, <c>2&gt;&amp;1</c>, <c>&gt;&amp;2</c>.</summary>
internal sealed record ShellRedirect(int Descriptor, string Operator, string Target);

/// <summary>One simple command: its words after quote removal and variable expansion, and its redirections.</summary>
internal sealed record ShellCommand(IReadOnlyList<string> Words, IReadOnlyList<ShellRedirect> Redirects);

/// <summary>Commands joined by <c>|</c>.</summary>
internal sealed record ShellPipeline(IReadOnlyList<ShellCommand> Commands);

/// <summary>A pipeline and how it joins the one before (";" for the first, "&amp;&amp;", "||").</summary>
internal sealed record ShellStep(string Join, ShellPipeline Pipeline);

/// <summary>
/// The part of the POSIX shell language the built-in <c>sh</c> reads: words with single quotes, double quotes and
/// backslash escapes, $NAME and ${NAME} expansion from the environment, <c>;</c> and newlines, <c>&amp;&amp;</c>,
/// <c>||</c>, <c>|</c>, redirections to files, and # comments. No globbing, assignments, control flow or functions:
/// a script that needs them is a syntax error (exit 2), as an unknown construct is to a real shell.
/// </summary>
internal static class ShellSyntax
{
    /// <summary>Parses <paramref name="script"/>; a <see cref="FormatException"/> carries sh's message for a syntax error.</summary>
    public static IReadOnlyList<ShellStep> Parse(string script, IReadOnlyDictionary<string, string> environment)
    {
        var tokens = Tokenize(script, environment);
        var steps = new List<ShellStep>();
        var join = ";";
        var commands = new List<ShellCommand>();
        var words = new List<string>();
        var redirects = new List<ShellRedirect>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var (text, isOperator) = tokens[i];
            if (!isOperator)
            {
                words.Add(text);
                continue;
            }

            switch (text)
            {
                case ">" or ">>" or "<" or "2>" or "2>>" or "1>" or "1>>":
                    if (i + 1 >= tokens.Count || tokens[i + 1].IsOperator)
                    {
                        throw new FormatException("sh: syntax error: unexpected " + (i + 1 < tokens.Count ? $"\"{tokens[i + 1].Text}\"" : "newline"));
                    }

                    redirects.Add(new ShellRedirect(text.StartsWith('2') ? 2 : text.StartsWith('<') ? 0 : 1, text.TrimStart('1', '2'), tokens[++i].Text));
                    break;
                case "2>&1":
                    redirects.Add(new ShellRedirect(2, ">&", "1"));
                    break;
                case "1>&2":
                    redirects.Add(new ShellRedirect(1, ">&", "2"));
                    break;
                case "|":
                    commands.Add(Command(words, redirects, text));
                    words = [];
                    redirects = [];
                    break;
                default:
                    if (words.Count == 0 && redirects.Count == 0 && commands.Count == 0 && text == ";")
                    {
                        throw new FormatException("sh: syntax error: unexpected \";\"");
                    }

                    commands.Add(Command(words, redirects, text));
                    steps.Add(new ShellStep(join, new ShellPipeline(commands)));
                    join = text;
                    commands = [];
                    words = [];
                    redirects = [];
                    break;
            }
        }

        if (tokens.Count > 0 && tokens[^1] is ("|" or "&&" or "||", true))
        {
            throw new FormatException("sh: syntax error: unexpected end of file");
        }

        if (words.Count > 0 || redirects.Count > 0)
        {
            commands.Add(Command(words, redirects, "newline"));
        }

        if (commands.Count > 0)
        {
            steps.Add(new ShellStep(join, new ShellPipeline(commands)));
        }

        return steps;
    }

    private static ShellCommand Command(List<string> words, List<ShellRedirect> redirects, string next) =>
        words.Count > 0 || redirects.Count > 0 ? new ShellCommand(words, redirects) : throw new FormatException($"sh: syntax error: unexpected \"{next}\"");

    private static List<(string Text, bool IsOperator)> Tokenize(string script, IReadOnlyDictionary<string, string> environment)
    {
        var tokens = new List<(string, bool)>();
        var word = new StringBuilder();
        var inWord = false;
        void EndWord()
        {
            if (inWord)
            {
                tokens.Add((word.ToString(), false));
                word.Clear();
                inWord = false;
            }
        }

        for (var i = 0; i < script.Length; i++)
        {
            var c = script[i];
            switch (c)
            {
                case ' ' or '\t' or '\r':
                    EndWord();
                    break;
                case '\n' or ';':
                    EndWord();
                    // Empty lines and trailing separators are allowed; runs of them collapse to one.
                    if (tokens.Count > 0 && !(tokens[^1] is (";", true)))
                    {
                        tokens.Add((";", true));
                    }

                    break;
                case '#' when !inWord:
                    while (i + 1 < script.Length && script[i + 1] != '\n')
                    {
                        i++;
                    }

                    break;
                case '&' when i + 1 < script.Length && script[i + 1] == '&':
                    EndWord();
                    tokens.Add(("&&", true));
                    i++;
                    break;
                case '|':
                    EndWord();
                    var or = i + 1 < script.Length && script[i + 1] == '|';
                    tokens.Add((or ? "||" : "|", true));
                    i += or ? 1 : 0;
                    break;
                case '>' or '<':
                    var descriptor = inWord && word.ToString() is "1" or "2" ? word.ToString() : "";
                    if (descriptor.Length > 0)
                    {
                        word.Clear();
                        inWord = false;
                    }

                    EndWord();
                    if (c == '>' && script.AsSpan(i).StartsWith(">&1") && descriptor == "2")
                    {
                        tokens.Add(("2>&1", true));
                        i += 2;
                    }
                    else if (c == '>' && script.AsSpan(i).StartsWith(">&2") && descriptor is "" or "1")
                    {
                        tokens.Add(("1>&2", true));
                        i += 2;
                    }
                    else if (c == '>' && i + 1 < script.Length && script[i + 1] == '>')
                    {
                        tokens.Add((descriptor + ">>", true));
                        i++;
                    }
                    else
                    {
                        tokens.Add((descriptor + c, true));
                    }

                    break;
                case '\'':
                    inWord = true;
                    var close = script.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw new FormatException("sh: syntax error: unterminated quoted string");
                    }

                    word.Append(script, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    inWord = true;
                    i++;
                    for (; i < script.Length && script[i] != '"'; i++)
                    {
                        if (script[i] == '\\' && i + 1 < script.Length && script[i + 1] is '"' or '\\' or '$' or '`')
                        {
                            word.Append(script[++i]);
                        }
                        else if (script[i] == '$')
                        {
                            i = Expand(script, i, word, environment);
                        }
                        else
                        {
                            word.Append(script[i]);
                        }
                    }

                    if (i >= script.Length)
                    {
                        throw new FormatException("sh: syntax error: unterminated quoted string");
                    }

                    break;
                case '\\':
                    inWord = true;
                    if (i + 1 < script.Length && script[i + 1] != '\n')
                    {
                        word.Append(script[i + 1]);
                    }

                    i++;
                    break;
                case '$':
                    inWord = true;
                    i = Expand(script, i, word, environment);
                    break;
                default:
                    inWord = true;
                    word.Append(c);
                    break;
            }
        }

        EndWord();
        while (tokens.Count > 0 && tokens[^1] is (";", true))
        {
            tokens.RemoveAt(tokens.Count - 1);
        }

        return tokens;
    }

    /// <summary>Expands the $NAME or ${NAME} at <paramref name="i"/> into <paramref name="word"/>; returns the index of its last character.</summary>
    private static int Expand(string script, int i, StringBuilder word, IReadOnlyDictionary<string, string> environment)
    {
        if (i + 1 < script.Length && script[i + 1] == '{' && script.IndexOf('}', i + 2) is var close and > 0)
        {
            word.Append(environment.GetValueOrDefault(script[(i + 2)..close]) ?? "");
            return close;
        }

        var end = i + 1;
        while (end < script.Length && (char.IsAsciiLetterOrDigit(script[end]) || script[end] == '_'))
        {
            end++;
        }

        if (end == i + 1)
        {
            word.Append('$');
            return i;
        }

        word.Append(environment.GetValueOrDefault(script[(i + 1)..end]) ?? "");
        return end - 1;
    }
}
