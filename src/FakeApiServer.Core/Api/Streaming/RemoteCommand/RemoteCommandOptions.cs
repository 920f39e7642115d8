using Microsoft.AspNetCore.Http;

namespace FakeApiServer.Api.Streaming.RemoteCommand;

/// <summary>
/// PodExecOptions and PodAttachOptions as read from the query (command repeated, container, stdin, stdout, stderr, tty).
/// With a tty there is no separate stderr (the kubelet drops it), and at least one of stdin, stdout and stderr is needed.
/// </summary>
internal sealed record RemoteCommandOptions(IReadOnlyList<string> Command, string? Container, bool Stdin, bool Stdout, bool Stderr, bool Tty)
{
    public static RemoteCommandOptions Parse(IQueryCollection query)
    {
        var tty = Flag(query, "tty");
        var options = new RemoteCommandOptions(
            query["command"].Select(c => c ?? "").ToList(),
            query["container"].LastOrDefault() is { Length: > 0 } container ? container : null,
            Flag(query, "stdin"),
            Flag(query, "stdout"),
            Flag(query, "stderr") && !tty,
            tty);
        return options;
    }

    /// <summary>The kubelet's check, made before the upgrade here so it answers as a Status.</summary>
    public void Validate()
    {
        if (!Stdin && !Stdout && !Stderr)
        {
            throw ApiException.BadRequest("you must specify at least 1 of stdin, stdout, stderr");
        }
    }

    /// <summary>A boolean query parameter as the apiserver's query decoder reads it (strconv.ParseBool).</summary>
    private static bool Flag(IQueryCollection query, string name)
    {
        if (query[name].LastOrDefault() is not { } value)
        {
            return false;
        }

        return value switch
        {
            "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
            "0" or "f" or "F" or "FALSE" or "false" or "False" or "" => false,
            _ => throw ApiException.BadRequest($"strconv.ParseBool: parsing \"{value}\": invalid syntax"),
        };
    }
}
