using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Schema.Validation;

namespace FakeApiServer.Schema.Cel;

/// <summary>The outcome of the x-kubernetes-validations rules: failed rules, and rules this server could not judge.</summary>
internal sealed record CelRulesResult(IReadOnlyList<FieldError> Errors, IReadOnlyList<string> Warnings);

/// <summary>
/// Evaluates the x-kubernetes-validations rules of a CRD schema on a custom resource, as apiextensions-apiserver's CEL
/// validator: each rule runs with <c>self</c> bound to every non-null value its schema node describes; a transition
/// rule (one using <c>oldSelf</c>) runs only on update where an old value correlates (object properties, map values
/// and list-type=map items by key), unless optionalOldSelf makes oldSelf an optional. A failed rule becomes
/// "&lt;path&gt;: Invalid value: "object": &lt;message | failed rule: rule&gt;" (or the error of its reason, at its
/// fieldPath); a CEL runtime error becomes "&lt;error&gt; evaluating rule: &lt;rule&gt;". A rule this server cannot parse or
/// evaluate is a warning ("... could not be evaluated by this server: ..."), never silently passed. On update a
/// failure on a value equal to its old value is a warning (ratcheting), unless the rule uses oldSelf.
/// </summary>
internal static class CelRules
{
    /// <summary>Evaluates every rule; <paramref name="oldObj"/> is the stored object on update, null on create.</summary>
    public static CelRulesResult Evaluate(JsonObject obj, JsonObject? oldObj, CrdSchema schema)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(schema);
        var walk = new Walk();
        walk.Visit(obj, oldObj, oldObj is not null, schema, "", isRoot: true);
        return new CelRulesResult(walk.Errors, walk.Warnings);
    }

    /// <summary>
    /// The rules of <paramref name="schema"/> this server cannot parse, as warnings for the CRD's create or update
    /// response (e.g. "... at spec.versions[0].schema.openAPIV3Schema.properties[spec] could not be evaluated ...").
    /// </summary>
    public static IReadOnlyList<string> Check(CrdSchema schema, string fieldPath)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var warnings = new List<string>();
        CheckNode(schema, fieldPath, warnings);
        return warnings;
    }

    private static void CheckNode(CrdSchema schema, string path, List<string> warnings)
    {
        foreach (var rule in schema.Validations)
        {
            if (rule.Program.Error is { } error)
            {
                warnings.Add(Warning(rule.Rule, path, error));
            }
        }

        foreach (var (name, property) in schema.Properties)
        {
            CheckNode(property, path + ".properties[" + name + "]", warnings);
        }

        if (schema.Items is { } items)
        {
            CheckNode(items, path + ".items", warnings);
        }

        if (schema.AdditionalProperties is { } values)
        {
            CheckNode(values, path + ".additionalProperties", warnings);
        }
    }

    private static string Warning(string rule, string path, string why) =>
        $"x-kubernetes-validations rule \"{rule}\" at {(path.Length == 0 ? "<root>" : path)} could not be evaluated by this server: {why}";

    private sealed class Walk
    {
        private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

        public List<FieldError> Errors { get; } = [];

        public List<string> Warnings { get; } = [];

        public void Visit(JsonNode? value, JsonNode? old, bool hasOld, CrdSchema schema, string path, bool isRoot)
        {
            if (value is null)
            {
                return;
            }

            if (schema.Validations.Count > 0)
            {
                EvaluateRules(value, old, hasOld, schema, path, isRoot);
            }

            switch (value)
            {
                case JsonObject o:
                    var correlates = schema.MapType != MapTypes.Atomic && old is JsonObject;
                    foreach (var (key, child) in o)
                    {
                        var oldObject = old as JsonObject;
                        var childHasOld = correlates && oldObject!.ContainsKey(key);
                        var oldChild = childHasOld ? oldObject![key] : null;
                        if (schema.Property(key) is { } property)
                        {
                            Visit(child, oldChild, childHasOld, property, path.Length == 0 ? key : path + "." + key, false);
                        }
                        else if (schema.AdditionalProperties is { } values)
                        {
                            Visit(child, oldChild, childHasOld, values, path + "[" + key + "]", false);
                        }
                    }

                    break;
                case JsonArray a when schema.Items is { } items:
                    for (var i = 0; i < a.Count; i++)
                    {
                        var (oldItem, found) = ListMapKeys.Correlate(a[i], schema, old as JsonArray);
                        Visit(a[i], oldItem, found, items, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", false);
                    }

                    break;
            }
        }

        private void EvaluateRules(JsonNode value, JsonNode? old, bool hasOld, CrdSchema schema, string path, bool isRoot)
        {
            var self = CelValues.FromJson(value, schema, isRoot);
            object? oldSelf = hasOld && old is not null ? CelValues.FromJson(old, schema, isRoot) : null;
            var unchanged = hasOld && JsonKinds.JsonEquals(value, old);
            foreach (var rule in schema.Validations)
            {
                var program = rule.Program;
                if (program.Error is { } parseError)
                {
                    Warn(rule.Rule, path, parseError);
                    continue;
                }

                if (program.UsesOldSelf && oldSelf is null && !rule.OptionalOldSelf)
                {
                    continue;
                }

                var variables = new Dictionary<string, object>(StringComparer.Ordinal) { ["self"] = self };
                if (program.UsesOldSelf || rule.OptionalOldSelf)
                {
                    variables["oldSelf"] = rule.OptionalOldSelf ? new CelOptional(oldSelf) : oldSelf!;
                }

                object result;
                try
                {
                    result = program.Evaluate(variables);
                }
                catch (CelUnsupportedException e)
                {
                    Warn(rule.Rule, path, e.Message);
                    continue;
                }
                catch (CelEvaluationException e)
                {
                    var detail = e.Message.StartsWith("no such overload", StringComparison.Ordinal)
                        ? $"'{e.Message}': call arguments did not match a supported operator, function or macro signature for rule: {ErrorString(rule)}"
                        : $"{e.Message} evaluating rule: {ErrorString(rule)}";
                    Errors.Add(FieldError.Invalid(path, ErrorValue(value), detail));
                    continue;
                }

                if (result is not bool passed)
                {
                    Warn(rule.Rule, path, "the rule evaluates to " + CelValues.TypeName(result) + ", not bool");
                    continue;
                }

                if (passed)
                {
                    continue;
                }

                var error = Failure(rule, variables, value, schema, path);
                if (unchanged && !program.UsesOldSelf)
                {
                    Warnings.Add(error.ToString());
                }
                else
                {
                    Errors.Add(error);
                }
            }
        }

        private FieldError Failure(ValidationRule rule, Dictionary<string, object> variables, JsonNode value, CrdSchema schema, string path)
        {
            var detail = MessageOrDefault(rule);
            if (rule.MessageProgram is { } messageProgram)
            {
                if (messageProgram.Error is { } error)
                {
                    Warn(rule.MessageExpression!, path, error);
                }
                else
                {
                    try
                    {
                        if (messageProgram.Evaluate(variables) is string message && message.Trim() is { Length: > 0 } trimmed && !trimmed.Contains('\n', StringComparison.Ordinal))
                        {
                            detail = trimmed;
                        }
                    }
                    catch (CelUnsupportedException e)
                    {
                        Warn(rule.MessageExpression!, path, e.Message);
                    }
                    catch (CelEvaluationException)
                    {
                        // Upstream logs a failed messageExpression and falls back to message or the rule.
                    }
                }
            }

            var errorPath = FieldPath(path, rule.FieldPath, schema);
            var errorValue = ErrorValue(value);
            return rule.Reason switch
            {
                "FieldValueForbidden" => FieldError.Forbidden(errorPath, detail),
                "FieldValueRequired" => FieldError.Required(errorPath, detail),
                "FieldValueDuplicate" => FieldError.Duplicate(errorPath, errorValue),
                _ => FieldError.Invalid(errorPath, errorValue, detail),
            };
        }

        private void Warn(string rule, string path, string why)
        {
            if (_warned.Add(rule))
            {
                Warnings.Add(Warning(rule, path, why));
            }
        }
    }

    private static string MessageOrDefault(ValidationRule rule) =>
        rule.Message is { Length: > 0 } m ? m.Trim() : "failed rule: " + rule.Rule.Trim();

    private static string ErrorString(ValidationRule rule) =>
        rule.Message is { Length: > 0 } m ? m.Trim() : rule.Rule.Trim();

    /// <summary>Objects and lists are named by their type, as upstream does not print them; scalars by their value.</summary>
    private static JsonNode? ErrorValue(JsonNode value) => value switch
    {
        JsonObject => JsonValue.Create(JsonKinds.Object),
        JsonArray => JsonValue.Create(JsonKinds.Array),
        _ => value.DeepClone(),
    };

    /// <summary>The rule's fieldPath (".a.b", ".m['k.x']") below the node, as a field path (Child for properties, Key for map keys).</summary>
    private static string FieldPath(string path, string? fieldPath, CrdSchema schema)
    {
        if (fieldPath is not { Length: > 0 })
        {
            return path;
        }

        var result = path;
        var current = (CrdSchema?)schema;
        var i = 0;
        while (i < fieldPath.Length)
        {
            string name;
            if (fieldPath[i] == '.')
            {
                var end = fieldPath.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? fieldPath.Length : end;
                name = fieldPath[(i + 1)..end];
                i = end;
            }
            else if (fieldPath[i] == '[' && i + 1 < fieldPath.Length && fieldPath[i + 1] == '\'')
            {
                var end = fieldPath.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    return path;
                }

                name = fieldPath[(i + 2)..end].Replace("\\'", "'", StringComparison.Ordinal);
                i = end + 2;
            }
            else
            {
                return path;
            }

            if (current?.Property(name) is { } property)
            {
                result = result.Length == 0 ? name : result + "." + name;
                current = property;
            }
            else
            {
                result += "[" + name + "]";
                current = current?.AdditionalProperties;
            }
        }

        return result;
    }
}
