using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.Api.Selectors;
using FakeApiServer.Registry;
using FakeApiServer.Schema.Cel;

namespace FakeApiServer.Controllers.Kubelet;

/// <summary>
/// The pod lifecycle stages of the simulated kubelet: the cluster-wide rules of a stage file (--pod-stages, YAML, the
/// first rule that matches a pod's namespace, labels and container applies) and, over them field by field, the pod's own
/// <c>fakeapiserver.io/</c> annotations. A container no rule or annotation speaks of runs for ever and is ready at once.
/// See docs/pod-stages.md for the format.
/// </summary>
internal sealed class PodStages
{
    /// <summary>How long each run of the containers lasts before they terminate (a Go duration, e.g. "5s"; "0s" at once).</summary>
    public const string ExitAfterAnnotation = "fakeapiserver.io/exit-after";

    /// <summary>The exit code of the terminations (default 0); alone it makes the containers terminate at once.</summary>
    public const string ExitCodeAnnotation = "fakeapiserver.io/exit-code";

    /// <summary>How long after a start the containers become ready (a Go duration).</summary>
    public const string ReadyAfterAnnotation = "fakeapiserver.io/ready-after";

    /// <summary>"fail": the readiness probe of the containers never succeeds.</summary>
    public const string ReadinessAnnotation = "fakeapiserver.io/readiness";

    /// <summary>Comma-separated container names the annotations above apply to (default: every container).</summary>
    public const string StageContainersAnnotation = "fakeapiserver.io/stage-containers";

    /// <summary>Comma-separated names of containers that terminate at once with exit code 1 (shorthand, kept from before stages).</summary>
    public const string FailContainersAnnotation = "fakeapiserver.io/fail-containers";

    private readonly IReadOnlyList<Rule> _rules;

    private PodStages(IReadOnlyList<Rule> rules) => _rules = rules;

    /// <summary>No stage file: annotations only.</summary>
    public static PodStages None { get; } = new([]);

    /// <summary>How many rules the stage file has.</summary>
    public int Count => _rules.Count;

    /// <summary>Reads a stage file; a bad file is a <see cref="FormatException"/> naming the rule and field.</summary>
    public static PodStages Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new FormatException(e.Message, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new FormatException(e.Message, e);
        }

        return Parse(Encoding.UTF8.GetString(bytes));
    }

    /// <summary>Parses the YAML (or JSON) of a stage file: <c>stages:</c>, a list of rules.</summary>
    public static PodStages Parse(string yaml)
    {
        JsonNode? root;
        try
        {
            root = YamlJson.Parse(Encoding.UTF8.GetBytes(yaml));
        }
        catch (Exception e) when (e is not FormatException and not OutOfMemoryException)
        {
            throw new FormatException("the stage file is not valid YAML: " + e.Message, e);
        }

        if (root is null)
        {
            return None;
        }

        if (root is not JsonObject file || file.Any(p => p.Key != "stages"))
        {
            throw new FormatException("the stage file must be an object with one field, stages");
        }

        var rules = new List<Rule>();
        var items = file["stages"] as JsonArray ?? (file["stages"] is null ? [] : throw new FormatException("stages must be a list"));
        for (var i = 0; i < items.Count; i++)
        {
            rules.Add(Rule.Parse(items[i] as JsonObject ?? throw new FormatException($"stages[{i}] must be an object"), $"stages[{i}]"));
        }

        return new PodStages(rules);
    }

    /// <summary>The stage of every container of <paramref name="pod"/> (spec.containers), by name.</summary>
    public IReadOnlyDictionary<string, ContainerStage> Resolve(JsonObject pod)
    {
        var annotations = ObjectMeta.StringMap(pod.Metadata()["annotations"]);
        var labels = pod.Labels();
        var ns = pod.Namespace();
        var annotated = Overrides.FromAnnotations(annotations);
        var scope = Names(annotations.GetValueOrDefault(StageContainersAnnotation));
        var failing = Names(annotations.GetValueOrDefault(FailContainersAnnotation));
        var result = new Dictionary<string, ContainerStage>(StringComparer.Ordinal);
        foreach (var container in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = container.GetString("name") ?? "";
            var stage = _rules.FirstOrDefault(r => r.Matches(ns, labels, name))?.Overrides.Apply(ContainerStage.Running) ?? ContainerStage.Running;
            if (scope.Count == 0 || scope.Contains(name))
            {
                stage = annotated.Apply(stage);
            }

            if (failing.Contains(name))
            {
                stage = stage with { ExitAfter = TimeSpan.Zero, ExitCode = 1 };
            }

            result[name] = stage;
        }

        return result;
    }

    private static HashSet<string> Names(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    private static TimeSpan? Duration(string? text) =>
        text is not null && CelFunctions.TryParseDuration(text, out var d) && d >= TimeSpan.Zero ? d : null;

    /// <summary>The fields a rule or the annotations set; unset fields leave the stage below as it is.</summary>
    private sealed record Overrides(TimeSpan? ExitAfter, int? ExitCode, TimeSpan? ReadyAfter, bool? FailsReadiness)
    {
        /// <summary>The annotations' fields; a value that does not parse is ignored, as kwok ignores a bad stage.</summary>
        public static Overrides FromAnnotations(IReadOnlyDictionary<string, string> annotations) => new(
            Duration(annotations.GetValueOrDefault(ExitAfterAnnotation)),
            int.TryParse(annotations.GetValueOrDefault(ExitCodeAnnotation), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) && code is >= 0 and <= 255 ? code : null,
            Duration(annotations.GetValueOrDefault(ReadyAfterAnnotation)),
            annotations.GetValueOrDefault(ReadinessAnnotation) switch { "fail" => true, "pass" => false, _ => null });

        public ContainerStage Apply(ContainerStage stage) => new(
            ExitAfter ?? (ExitCode is not null ? stage.ExitAfter ?? TimeSpan.Zero : stage.ExitAfter),
            ExitCode ?? stage.ExitCode,
            ReadyAfter ?? stage.ReadyAfter,
            FailsReadiness ?? stage.FailsReadiness);
    }

    /// <summary>One rule of the stage file: which pods and containers, and what their containers do.</summary>
    private sealed record Rule(IReadOnlySet<string> Namespaces, LabelSelector Selector, IReadOnlySet<string> Containers, Overrides Overrides)
    {
        private static readonly HashSet<string> Fields = ["name", "namespaces", "selector", "containers", "exitAfter", "exitCode", "readyAfter", "readiness"];

        public bool Matches(string ns, IReadOnlyDictionary<string, string> labels, string container) =>
            (Namespaces.Count == 0 || Namespaces.Contains(ns)) && (Containers.Count == 0 || Containers.Contains(container)) && Selector.Matches(labels);

        public static Rule Parse(JsonObject rule, string path)
        {
            if (rule.Select(p => p.Key).FirstOrDefault(k => !Fields.Contains(k)) is { } unknown)
            {
                throw new FormatException($"{path}: unknown field \"{unknown}\"");
            }

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

            var exitCode = rule["exitCode"] is null ? (int?)null
                : ObjectMeta.AsInt64(rule["exitCode"]) is { } code and >= 0 and <= 255 ? (int)code : throw new FormatException($"{path}.exitCode: must be a number from 0 to 255");
            var readiness = rule.GetStringOrNull("readiness", path) switch
            {
                null => (bool?)null,
                "fail" => true,
                "pass" => false,
                var other => throw new FormatException($"{path}.readiness: must be fail or pass, not \"{other}\""),
            };
            return new Rule(
                StringSet(rule["namespaces"], path + ".namespaces"),
                selector,
                StringSet(rule["containers"], path + ".containers"),
                new Overrides(ParseDuration(rule, "exitAfter", path), exitCode, ParseDuration(rule, "readyAfter", path), readiness));
        }

        private static TimeSpan? ParseDuration(JsonObject rule, string field, string path) =>
            rule.GetStringOrNull(field, path) is not { } text ? null
                : Duration(text) ?? throw new FormatException($"{path}.{field}: must be a duration such as 5s or 1m30s, not \"{text}\"");

        private static HashSet<string> StringSet(JsonNode? node, string path) => node switch
        {
            null => [],
            JsonArray items => items.Select(i => i is JsonValue v && v.TryGetValue(out string? s) ? s : throw new FormatException(path + ": must be a list of names"))
                .ToHashSet(StringComparer.Ordinal),
            _ => throw new FormatException(path + ": must be a list of names"),
        };
    }
}

/// <summary>Reading a stage file's scalar fields.</summary>
file static class RuleFields
{
    public static string? GetStringOrNull(this JsonObject rule, string field, string path) => rule[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => throw new FormatException($"{path}.{field}: must be a string"),
    };
}
