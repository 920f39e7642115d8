using System.Collections.Frozen;
using System.Text;

namespace FakeApiServer.Security.Authentication;

/// <summary>
/// kube-apiserver's static token file (--token-auth-file): CSV lines token,user,uid[,"group1,group2"]. A line with
/// fewer than three columns is an error; an empty token is skipped; of duplicate tokens the last wins, as upstream.
/// </summary>
internal static class TokenFile
{
    /// <summary>The users by token, each already in system:authenticated.</summary>
    public static FrozenDictionary<string, UserInfo> Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"cannot read token file '{path}': {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses the file's text; <paramref name="path"/> only names the file in errors.</summary>
    public static FrozenDictionary<string, UserInfo> Parse(string text, string path)
    {
        var users = new Dictionary<string, UserInfo>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var record = Fields(line.TrimEnd('\r'), path, lineNumber);
            if (record.Count < 3)
            {
                throw new FormatException($"token file '{path}' must have at least 3 columns (token, user name, user uid), found {record.Count}");
            }

            if (record[0].Length == 0)
            {
                continue;
            }

            var groups = record.Count >= 4 && record[3].Length > 0 ? record[3].Split(',') : [];
            users[record[0]] = Authenticated.User(record[1], record[2], groups);
        }

        return users.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>One CSV record (RFC 4180 quoting, leading spaces of a field trimmed as Go's TrimLeadingSpace).</summary>
    private static List<string> Fields(string line, string path, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            while (i < line.Length && line[i] is ' ' or '\t')
            {
                i++;
            }

            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new FormatException($"token file '{path}' line {lineNumber}: unterminated quoted field");
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(line[i++]);
                }

                if (i < line.Length && line[i] != ',')
                {
                    throw new FormatException($"token file '{path}' line {lineNumber}: extraneous text after a quoted field");
                }
            }
            else
            {
                while (i < line.Length && line[i] != ',')
                {
                    field.Append(line[i++]);
                }
            }

            fields.Add(field.ToString());
            if (i >= line.Length)
            {
                return fields;
            }

            i++;
        }
    }
}
