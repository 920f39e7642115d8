using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FakeApiServer.Api;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Registry;
using FakeApiServer.Schema.Cel;

namespace FakeApiServer.SimulatedContainers;

/// <summary>
/// Reads container rules written as data: the --container-rules file (<c>rules:</c>, a list) and the spec of a
/// ContainerRule object (one rule). A rule names the containers it matches (namespaces, selector, containers) and has
/// exactly one of exec, attach, logs and portForward. See docs/containers.md for the format. A bad rule is a
/// <see cref="FormatException"/> naming its path and field.
/// </summary>
internal static class ContainerRuleParser
{
    private static readonly HashSet<string> RuleFields = ["name", "namespaces", "selector", "containers", "exec", "attach", "logs", "portForward"];
    private static readonly HashSet<string> ExecFields = ["command", "commandPrefix", "commandRegex", "stdout", "stderr", "exitCode", "delay", "echoStdin"];
    private static readonly HashSet<string> AttachFields = ["output", "echoStdin"];
    private static readonly HashSet<string> OutputFields = ["text", "after", "stream"];
    private static readonly HashSet<string> LogFields = ["lines"];
    private static readonly HashSet<string> LineFields = ["text", "after"];
    private static readonly HashSet<string> PortForwardFields = ["port", "target"];
    private static readonly string[] Actions = ["exec", "attach", "logs", "portForward"];

    /// <summary>Reads a rule file; a file that cannot be read or parsed is a <see cref="FormatException"/>.</summary>
    public static IReadOnlyList<ContainerRule> Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException(e.Message, e);
        }

        return ParseFile(text);
    }

    /// <summary>Parses the YAML (or JSON) of a rule file: an object with one field, <c>rules</c>.</summary>
    public static IReadOnlyList<ContainerRule> ParseFile(string yaml)
    {
        JsonNode? root;
        try
        {
            root = YamlJson.Parse(Encoding.UTF8.GetBytes(yaml));
        }
        catch (Exception e) when (e is not FormatException and not OutOfMemoryException)
        {
            throw new FormatException("the container rules file is not valid YAML: " + e.Message, e);
        }

        if (root is null)
        {
            return [];
        }

        if (root is not JsonObject file || file.Any(p => p.Key != "rules"))
        {
            throw new FormatException("the container rules file must be an object with one field, rules");
        }

        var items = file["rules"] as JsonArray ?? (file["rules"] is null ? [] : throw new FormatException("rules must be a list"));
        var rules = new List<ContainerRule>();
        for (var i = 0; i < items.Count; i++)
        {
            var path = $"rules[{i}]";
            var rule = items[i] as JsonObject ?? throw new FormatException(path + " must be an object");
            rules.Add(ParseRule(rule, rule["name"] is null ? path : String(rule, "name", path) ?? path, path));
        }

        return rules;
    }

    /// <summary>Parses one rule (an item of a rule file, or a ContainerRule's spec), called <paramref name="name"/>.</summary>
    public static ContainerRule ParseRule(JsonObject rule, string name, string path)
    {
        Known(rule, RuleFields, path);
        LabelSelector selector;
        try
        {
            selector = rule["selector"] is null ? LabelSelector.Everything
                : LabelSelector.FromLabelSelectorObject(rule["selector"] as JsonObject ?? throw new FormatException("must be a label selector"));
        }
        catch (Exception e) when (e is FormatException or SelectorParseException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException($"{path}.selector: {e.Message}", e);
        }

        var match = new ContainerMatch(Strings(rule["namespaces"], path + ".namespaces").ToHashSet(StringComparer.Ordinal), selector,
            Strings(rule["containers"], path + ".containers").ToHashSet(StringComparer.Ordinal));
        var actions = Actions.Where(a => rule[a] is not null).ToList();
        if (actions.Count != 1)
        {
            throw new FormatException($"{path}: must have exactly one of exec, attach, logs and portForward");
        }

        var action = actions[0];
        var body = rule[action] as JsonObject ?? throw new FormatException($"{path}.{action}: must be an object");
        path += "." + action;
        return action switch
        {
            "exec" => Exec(name, match, body, path),
            "attach" => Attach(name, match, body, path),
            "logs" => Logs(name, match, body, path),
            _ => PortForward(name, match, body, path),
        };
    }

    private static ExecRule Exec(string name, ContainerMatch match, JsonObject body, string path)
    {
        Known(body, ExecFields, path);
        var exact = body["command"] is null ? null : Strings(body["command"], path + ".command");
        var prefix = body["commandPrefix"] is null ? null : Strings(body["commandPrefix"], path + ".commandPrefix");
        Regex? pattern = null;
        if (String(body, "commandRegex", path) is { } regex)
        {
            try
            {
                pattern = CommandMatch.CompilePattern(regex);
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"{path}.commandRegex: {e.Message}", e);
            }
        }

        var exitCode = body["exitCode"] is null ? 0
            : ObjectMeta.AsInt64(body["exitCode"]) is { } code and >= 0 and <= 255 ? (int)code : throw new FormatException($"{path}.exitCode: must be a number from 0 to 255");
        var script = new ScriptedExec(String(body, "stdout", path) ?? "", String(body, "stderr", path) ?? "", exitCode,
            Duration(body, "delay", path) ?? TimeSpan.Zero, Boolean(body, "echoStdin", path));
        return new ExecRule(name, match, new CommandMatch(exact, prefix, pattern), script.RunAsync);
    }

    private static AttachRule Attach(string name, ContainerMatch match, JsonObject body, string path)
    {
        Known(body, AttachFields, path);
        var output = new List<ScriptedOutput>();
        var items = body["output"] as JsonArray ?? (body["output"] is null ? [] : throw new FormatException(path + ".output: must be a list"));
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = $"{path}.output[{i}]";
            var item = items[i] as JsonObject ?? throw new FormatException(itemPath + ": must be an object");
            Known(item, OutputFields, itemPath);
            var stream = String(item, "stream", itemPath) ?? "stdout";
            output.Add(new ScriptedOutput(Duration(item, "after", itemPath) ?? TimeSpan.Zero, String(item, "text", itemPath) ?? "", stream switch
            {
                "stdout" => false,
                "stderr" => true,
                _ => throw new FormatException($"{itemPath}.stream: must be stdout or stderr, not \"{stream}\""),
            }));
        }

        return new AttachRule(name, match, new ScriptedAttach(output, Boolean(body, "echoStdin", path)).RunAsync);
    }

    private static LogRule Logs(string name, ContainerMatch match, JsonObject body, string path)
    {
        Known(body, LogFields, path);
        var lines = new List<ScriptedLogLine>();
        var items = body["lines"] as JsonArray ?? (body["lines"] is null ? [] : throw new FormatException(path + ".lines: must be a list"));
        for (var i = 0; i < items.Count; i++)
        {
            var itemPath = $"{path}.lines[{i}]";
            switch (items[i])
            {
                case JsonValue v when v.TryGetValue(out string? text):
                    lines.Add(new ScriptedLogLine(TimeSpan.Zero, text));
                    break;
                case JsonObject item:
                    Known(item, LineFields, itemPath);
                    lines.Add(new ScriptedLogLine(Duration(item, "after", itemPath) ?? TimeSpan.Zero, String(item, "text", itemPath) ?? ""));
                    break;
                default:
                    throw new FormatException(itemPath + ": must be a string or an object with text and after");
            }
        }

        return new LogRule(name, match, lines);
    }

    private static PortForwardRule PortForward(string name, ContainerMatch match, JsonObject body, string path)
    {
        Known(body, PortForwardFields, path);
        var port = body["port"] is null ? (int?)null
            : ObjectMeta.AsInt64(body["port"]) is { } p and >= 1 and <= 65535 ? (int)p : throw new FormatException($"{path}.port: must be a port number from 1 to 65535");
        var target = String(body, "target", path) ?? throw new FormatException($"{path}.target: required (host:port, e.g. 127.0.0.1:8080)");
        var colon = target.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(target.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var targetPort) || targetPort is < 1 or > 65535)
        {
            throw new FormatException($"{path}.target: must be host:port (e.g. 127.0.0.1:8080), not \"{target}\"");
        }

        var host = target[..colon].Trim('[', ']');
        return new PortForwardRule(name, match, port, new PortForwardProxy(host, targetPort).ServeAsync);
    }

    private static void Known(JsonObject obj, HashSet<string> fields, string path)
    {
        if (obj.Select(p => p.Key).FirstOrDefault(k => !fields.Contains(k)) is { } unknown)
        {
            throw new FormatException($"{path}: unknown field \"{unknown}\"");
        }
    }

    private static string? String(JsonObject obj, string field, string path) => obj[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => throw new FormatException($"{path}.{field}: must be a string"),
    };

    private static bool Boolean(JsonObject obj, string field, string path) => obj[field] switch
    {
        null => false,
        JsonValue v when v.TryGetValue(out bool b) => b,
        _ => throw new FormatException($"{path}.{field}: must be true or false"),
    };

    private static TimeSpan? Duration(JsonObject obj, string field, string path) =>
        String(obj, field, path) is not { } text ? null
            : CelFunctions.TryParseDuration(text, out var d) && d >= TimeSpan.Zero ? d
            : throw new FormatException($"{path}.{field}: must be a duration such as 5s or 1m30s, not \"{text}\"");

    private static List<string> Strings(JsonNode? node, string path) => node switch
    {
        null => [],
        JsonArray items => items.Select(i => i is JsonValue v && v.TryGetValue(out string? s) ? s : throw new FormatException(path + ": must be a list of strings")).ToList(),
        _ => throw new FormatException(path + ": must be a list of strings"),
    };
}
