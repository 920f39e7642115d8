using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Schema;
using FakeApiServer.Schema.Cel;

namespace FakeApiServer.Controllers.ValidatingAdmissionPolicyStatus;

/// <summary>
/// A best-effort version of upstream's policy type checker: for each kind the matchConstraints' resourceRules name
/// exactly (no wildcards), each validation's expression and messageExpression is checked for fields of
/// <c>object</c> and <c>oldObject</c> that the kind's schema does not have ("undefined field"), and expressions this
/// server cannot parse are reported. Types of values, functions and params are not checked.
/// </summary>
internal static class PolicyTypeChecker
{
    /// <summary>The status.typeChecking.expressionWarnings of a policy (fieldRef, warning), in upstream's format.</summary>
    public static IReadOnlyList<(string FieldRef, string Warning)> Check(JsonObject policy, ResourceCatalog catalog, ISchemaProvider schemas)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(schemas);
        var kinds = Kinds(policy, catalog, schemas);
        var warnings = new List<(string, string)>();
        var validations = (policy["spec"]?["validations"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        for (var i = 0; i < validations.Count; i++)
        {
            foreach (var field in (string[])["expression", "messageExpression"])
            {
                if (validations[i].GetString(field) is { Length: > 0 } source && CheckExpression(source, kinds) is { Length: > 0 } warning)
                {
                    warnings.Add(($"spec.validations[{i}].{field}", warning));
                }
            }
        }

        return warnings;
    }

    private static string CheckExpression(string source, List<(string Gvk, StructuralSchema Schema)> kinds)
    {
        var program = CelProgram.Compile(source);
        if (program.Expression is null)
        {
            return kinds.Count == 0 ? "" : string.Concat(kinds.Select(k => $"{k.Gvk}: ERROR: <input>: {program.Error}\n"));
        }

        var results = new List<string>();
        foreach (var (gvk, schema) in kinds)
        {
            var issues = new List<string>();
            Visit(program.Expression, schema, source, issues);
            if (issues.Count > 0)
            {
                results.Add($"{gvk}: {string.Join("\n", issues)}\n");
            }
        }

        return string.Join("\n", results);
    }

    /// <summary>Walks the tree; every select on an object-typed schema without the field is an issue.</summary>
    private static void Visit(CelExpr expr, StructuralSchema root, string source, List<string> issues)
    {
        switch (expr)
        {
            case CelSelect s:
                Visit(s.Operand, root, source, issues);
                if (Resolve(s.Operand, root) is { } parent && IsClosedObject(parent) && !parent.Properties.ContainsKey(s.Field))
                {
                    var at = source.IndexOf("." + s.Field, StringComparison.Ordinal);
                    var column = at < 0 ? 0 : at;
                    issues.Add(string.Create(CultureInfo.InvariantCulture,
                        $"ERROR: <input>:1:{column + 1}: undefined field '{s.Field}'\n | {source}\n | {new string('.', column)}^"));
                }

                break;
            case CelIndex x:
                Visit(x.Operand, root, source, issues);
                Visit(x.Index, root, source, issues);
                break;
            case CelCall c:
                if (c.Target is not null)
                {
                    Visit(c.Target, root, source, issues);
                }

                c.Args.ToList().ForEach(a => Visit(a, root, source, issues));
                break;
            case CelListLiteral l:
                l.Items.ToList().ForEach(i => Visit(i, root, source, issues));
                break;
            case CelMapLiteral m:
                m.Entries.ToList().ForEach(e => { Visit(e.Key, root, source, issues); Visit(e.Value, root, source, issues); });
                break;
            case CelUnary u:
                Visit(u.Operand, root, source, issues);
                break;
            case CelBinary b:
                Visit(b.Left, root, source, issues);
                Visit(b.Right, root, source, issues);
                break;
            case CelConditional c:
                Visit(c.Condition, root, source, issues);
                Visit(c.Then, root, source, issues);
                Visit(c.Else, root, source, issues);
                break;
            case CelComprehension c:
                Visit(c.Range, root, source, issues);
                break;
        }
    }

    private static StructuralSchema? Resolve(CelExpr expr, StructuralSchema root) => expr switch
    {
        CelIdent { Name: "object" or "oldObject" } => root,
        CelSelect { Test: false } s => Resolve(s.Operand, root) is { } parent && IsClosedObject(parent) ? parent.Properties.GetValueOrDefault(s.Field) : null,
        CelIndex x => Resolve(x.Operand, root) is { } parent ? parent.Items ?? parent.AdditionalProperties : null,
        _ => null,
    };

    private static bool IsClosedObject(StructuralSchema schema) =>
        schema.Properties.Count > 0 && schema.AdditionalProperties is null && !schema.PreserveUnknownFields && !schema.IntOrString && !schema.EmbeddedResource;

    /// <summary>The kinds the resourceRules name exactly, as "group/version, Kind=Kind" with their schemas, sorted as upstream sorts them.</summary>
    private static List<(string Gvk, StructuralSchema Schema)> Kinds(JsonObject policy, ResourceCatalog catalog, ISchemaProvider schemas)
    {
        var kinds = new List<(string, StructuralSchema)>();
        foreach (var rule in (policy["spec"]?["matchConstraints"]?["resourceRules"] as JsonArray ?? []).OfType<JsonObject>())
        {
            foreach (var group in Strings(rule, "apiGroups"))
            {
                foreach (var version in Strings(rule, "apiVersions"))
                {
                    foreach (var resource in Strings(rule, "resources").Where(r => !r.Contains('/', StringComparison.Ordinal)))
                    {
                        if (catalog.Find(group, version, resource) is { } store && schemas.SchemaFor(group, version, store.Definition.Kind) is { } schema)
                        {
                            var gvk = (group.Length == 0 ? version : group + "/" + version) + ", Kind=" + store.Definition.Kind;
                            if (!kinds.Any(k => k.Item1 == gvk))
                            {
                                kinds.Add((gvk, schema));
                            }
                        }
                    }
                }
            }
        }

        return kinds;
    }

    /// <summary>The items of a rule's list, sorted; none when any is a wildcard (upstream checks no wildcard rules).</summary>
    private static IReadOnlyList<string> Strings(JsonObject rule, string field)
    {
        var items = (rule[field] as JsonArray ?? []).Select(n => n?.GetValue<string>() ?? "").ToList();
        return items.Any(i => i.Contains('*', StringComparison.Ordinal)) ? [] : [.. items.Order(StringComparer.Ordinal)];
    }
}
