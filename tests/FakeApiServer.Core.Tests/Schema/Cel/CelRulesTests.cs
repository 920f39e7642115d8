using System.Text.Json.Nodes;
using FakeApiServer.Schema.Cel;
using FakeApiServer.Schema.Validation;

namespace FakeApiServer.Tests.Schema.Cel;

public sealed class CelRulesTests
{
    private static CrdSchema Schema(string rules, string specExtra = "") => CrdSchema.Parse(JsonNode.Parse($$$"""
        {
          "type": "object",
          "properties": {
            "metadata": {"type": "object"},
            "spec": {
              "type": "object",
              {{{specExtra}}}
              "x-kubernetes-validations": [{{{rules}}}],
              "properties": {
                "replicas": {"type": "integer"},
                "minReplicas": {"type": "integer"},
                "name": {"type": "string"},
                "ratio": {"type": "number"},
                "mode": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                  "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "port": {"type": "integer"}},
                    "x-kubernetes-validations": [{"rule": "self.port == oldSelf.port", "message": "port is immutable"}]}},
                "start": {"type": "string", "format": "date-time"},
                "timeout": {"type": "string", "format": "duration"}
              }
            }
          }
        }
        """)!);

    private static JsonObject Obj(string spec) =>
        (JsonObject)JsonNode.Parse($$"""{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {{spec}}}""")!;

    private static CelRulesResult Run(string rule, string spec, string? oldSpec = null) =>
        CelRules.Evaluate(Obj(spec), oldSpec is null ? null : Obj(oldSpec), Schema($$"""{"rule": {{JsonValue.Create(rule).ToJsonString()}}}"""));

    private static bool Passes(string rule, string spec)
    {
        var result = Run(rule, spec);
        Assert.Empty(result.Warnings);
        return result.Errors.Count == 0;
    }

    [Theory]
    [InlineData("self.replicas > 0", """{"replicas": 2}""", true)]
    [InlineData("self.replicas > 0", """{"replicas": 0}""", false)]
    [InlineData("self.replicas >= self.minReplicas && self.replicas <= 10", """{"replicas": 3, "minReplicas": 2}""", true)]
    [InlineData("self.replicas * 2 + 1 == 7 && self.replicas % 2 == 1 && self.replicas / 2 == 1", """{"replicas": 3}""", true)]
    [InlineData("self.ratio < 1.5 && self.ratio > 0.5", """{"ratio": 1}""", true)]
    [InlineData("!(self.replicas == 1) || self.name == 'one'", """{"replicas": 1, "name": "one"}""", true)]
    [InlineData("self.replicas > 5 ? self.name == 'big' : self.name == 'small'", """{"replicas": 1, "name": "small"}""", true)]
    [InlineData("self.mode in ['a', 'b']", """{"mode": "c"}""", false)]
    [InlineData("'k' in self.labels", """{"labels": {"k": "v"}}""", true)]
    [InlineData("has(self.name)", """{}""", false)]
    [InlineData("!has(self.name) || self.name.size() < 5", """{"name": "abc"}""", true)]
    [InlineData("size(self.tags) <= 2", """{"tags": ["a", "b", "c"]}""", false)]
    [InlineData("self.tags.all(t, t.startsWith('x-'))", """{"tags": ["x-a", "x-b"]}""", true)]
    [InlineData("self.tags.all(t, t.startsWith('x-'))", """{"tags": ["x-a", "b"]}""", false)]
    [InlineData("self.tags.exists(t, t == 'b')", """{"tags": ["a", "b"]}""", true)]
    [InlineData("self.tags.exists_one(t, t.endsWith('a'))", """{"tags": ["a", "ba"]}""", false)]
    [InlineData("self.tags.map(t, t.upperAscii()) == ['A', 'B']", """{"tags": ["a", "b"]}""", true)]
    [InlineData("self.tags.filter(t, t.contains('x')).size() == 1", """{"tags": ["ax", "b"]}""", true)]
    [InlineData("self.labels.all(k, k.matches('^[a-z]+$'))", """{"labels": {"abc": "1", "Bad": "2"}}""", false)]
    [InlineData("self.name.lowerAscii() == 'abc' && self.name.trim() == 'ABC'", """{"name": "ABC"}""", true)]
    [InlineData("self.name.split('-').size() == 3 && self.name.replace('-', '') == 'abc'", """{"name": "a-b-c"}""", true)]
    [InlineData("self.name.substring(1, 3) == 'bc' && self.name.indexOf('c') == 2", """{"name": "abcd"}""", true)]
    [InlineData("int(self.name) == 42 && string(self.replicas) == '3' && double(self.replicas) == 3.0", """{"name": "42", "replicas": 3}""", true)]
    [InlineData("self.start < timestamp('2030-01-01T00:00:00Z') && self.timeout <= duration('2h')", """{"start": "2024-05-01T10:00:00Z", "timeout": "90m"}""", true)]
    [InlineData("self.metadata.name == 'w'", """{}""", true)]
    [InlineData("self.ports.all(p, p.port > 0)", """{"ports": [{"name": "http", "port": 80}]}""", true)]
    [InlineData("[1, 2, 3].exists(x, x > 2) && {'a': 1}['a'] == 1 && 0x10 == 16 && 3u > 2u", """{}""", true)]
    [InlineData("self.replicas == 1.0", """{"replicas": 1}""", true)]
    public void Rules_evaluate_with_cel_semantics(string rule, string spec, bool expected)
    {
        var root = rule.Contains("metadata", StringComparison.Ordinal);
        var result = root
            ? CelRules.Evaluate(Obj(spec), null, CrdSchema.Parse(JsonNode.Parse("""{"type": "object", "x-kubernetes-validations": [{"rule": RULE}], "properties": {"metadata": {"type": "object"}, "spec": {"type": "object"}}}""".Replace("RULE", JsonValue.Create(rule).ToJsonString(), StringComparison.Ordinal))!))
            : Run(rule, spec);
        Assert.Empty(result.Warnings);
        Assert.Equal(expected, result.Errors.Count == 0);
    }

    [Fact]
    public void A_failed_rule_reads_as_upstream_with_the_default_message() =>
        Assert.Equal(["spec: Invalid value: \"object\": failed rule: self.replicas > 0"], Run("self.replicas > 0", """{"replicas": 0}""").Errors.Select(e => e.ToString()));

    [Fact]
    public void Message_reason_and_fieldPath_shape_the_error()
    {
        var result = CelRules.Evaluate(Obj("""{"replicas": 0}"""), null, Schema("""{"rule": "self.replicas > 0", "message": "replicas must be positive", "reason": "FieldValueForbidden", "fieldPath": ".replicas"}"""));
        Assert.Equal(["spec.replicas: Forbidden: replicas must be positive"], result.Errors.Select(e => e.ToString()));
        Assert.Equal("FieldValueForbidden", result.Errors[0].Reason);
    }

    [Fact]
    public void MessageExpression_wins_over_message()
    {
        var result = CelRules.Evaluate(Obj("""{"replicas": 0}"""), null, Schema("""{"rule": "self.replicas > 0", "message": "static", "messageExpression": "'replicas is ' + string(self.replicas)"}"""));
        Assert.Equal(["spec: Invalid value: \"object\": replicas is 0"], result.Errors.Select(e => e.ToString()));
    }

    [Theory]
    [InlineData("self.name == 'x'", """{}""", "spec: Invalid value: \"object\": no such key: name evaluating rule: self.name == 'x'")]
    [InlineData("self.replicas / 0 == 1", """{"replicas": 1}""", "spec: Invalid value: \"object\": division by zero evaluating rule: self.replicas / 0 == 1")]
    public void Cel_runtime_errors_fail_the_rule_as_upstream(string rule, string spec, string expected) =>
        Assert.Equal([expected], Run(rule, spec).Errors.Select(e => e.ToString()));

    [Fact]
    public void Errors_on_one_side_of_a_decided_logical_operator_are_absorbed()
    {
        Assert.True(Passes("!has(self.name) || self.name == 'x'", "{}"));
        Assert.True(Passes("self.name == 'x' || true", "{}"));
        Assert.False(Passes("self.name == 'x' && false", "{}"));
    }

    [Fact]
    public void Transition_rules_run_only_on_update()
    {
        const string Rule = "self.mode == oldSelf.mode";
        Assert.Empty(Run(Rule, """{"mode": "a"}""").Errors);
        Assert.Empty(Run(Rule, """{"mode": "a"}""", """{"mode": "a"}""").Errors);
        Assert.Equal(["spec: Invalid value: \"object\": failed rule: self.mode == oldSelf.mode"], Run(Rule, """{"mode": "b"}""", """{"mode": "a"}""").Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Optional_old_self_runs_on_create_with_an_empty_optional()
    {
        var schema = Schema("""{"rule": "!oldSelf.hasValue() || self.mode == oldSelf.value().mode", "optionalOldSelf": true}""");
        Assert.Empty(CelRules.Evaluate(Obj("""{"mode": "a"}"""), null, schema).Errors);
        Assert.Single(CelRules.Evaluate(Obj("""{"mode": "b"}"""), Obj("""{"mode": "a"}"""), schema).Errors);
    }

    [Fact]
    public void Map_list_items_correlate_with_old_items_by_key()
    {
        var schema = Schema("""{"rule": "true"}""");
        var old = Obj("""{"ports": [{"name": "http", "port": 80}, {"name": "https", "port": 443}]}""");
        var changed = Obj("""{"ports": [{"name": "https", "port": 443}, {"name": "http", "port": 8080}, {"name": "new", "port": 1}]}""");
        Assert.Equal(["spec.ports[1]: Invalid value: \"object\": port is immutable"], CelRules.Evaluate(changed, old, schema).Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Unchanged_values_that_fail_a_rule_on_update_are_warnings()
    {
        var result = Run("self.replicas > 0", """{"replicas": 0}""", """{"replicas": 0}""");
        Assert.Empty(result.Errors);
        Assert.Equal(["spec: Invalid value: \"object\": failed rule: self.replicas > 0"], result.Warnings);
    }

    [Theory]
    [InlineData("self.name.semver().major() == 1", "function string.semver() is not supported")]
    [InlineData("self.replicas >", "Syntax error: unexpected end of expression (position 16)")]
    [InlineData("self.?name.orValue('') == ''", "optional field selection (.? and [?]) is not supported")]
    public void Rules_this_server_cannot_evaluate_are_warnings_never_silent(string rule, string why)
    {
        var result = Run(rule, """{"name": "1", "replicas": 1}""");
        Assert.Empty(result.Errors);
        Assert.Equal([$"x-kubernetes-validations rule \"{rule}\" at spec could not be evaluated by this server: {why}"], result.Warnings);
    }

    [Fact]
    public void Check_reports_unparseable_rules_at_schema_paths() =>
        Assert.Equal(
            ["x-kubernetes-validations rule \"self.x ==\" at spec.versions[0].schema.openAPIV3Schema.properties[spec] could not be evaluated by this server: Syntax error: unexpected end of expression (position 10)"],
            CelRules.Check(Schema("""{"rule": "self.x =="}"""), "spec.versions[0].schema.openAPIV3Schema"));

    [Fact]
    public void Property_names_that_are_not_identifiers_are_reached_escaped()
    {
        var schema = CrdSchema.Parse(JsonNode.Parse("""
            {"type": "object", "properties": {"spec": {"type": "object", "x-kubernetes-validations": [{"rule": "self.max__dash__size > 1"}],
              "properties": {"max-size": {"type": "integer"}}}}}
            """)!);
        Assert.Single(CelRules.Evaluate((JsonObject)JsonNode.Parse("""{"spec": {"max-size": 1}}""")!, null, schema).Errors);
    }
}
