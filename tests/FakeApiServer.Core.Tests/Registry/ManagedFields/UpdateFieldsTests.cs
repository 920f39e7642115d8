using System.Globalization;
using System.Text.Json.Nodes;
using FakeApiServer.Registry;
using FakeApiServer.Registry.ManagedFields;
using FakeApiServer.Schema;
using FakeApiServer.Tests.Controllers.Runtime;
using k8s.Models;

namespace FakeApiServer.Tests.Registry.ManagedFields;

/// <summary>
/// The managedFields of updates (<see cref="ManagedFieldsTracker.Update"/>) against a copy of the code it had before the
/// comparison walked without building a path per node, entries that lose nothing kept their sets and the entries were
/// sorted without LINQ: byte for byte, over long random sequences of updates by several managers.
/// </summary>
public sealed class UpdateFieldsTests
{
    private readonly ManualTime _time = new();

    [Theory]
    [InlineData("ConfigMap", 1)]
    [InlineData("ConfigMap", 2)]
    [InlineData("Deployment", 3)]
    [InlineData("Deployment", 4)]
    [InlineData("Widget", 5)]
    public void Random_updates_encode_byte_for_byte_as_before(string kind, int seed)
    {
        var random = new Random(seed);
        var tracker = new ManagedFieldsTracker(_time);
        string[] managers = ["alpha", "beta", "gamma"];
        for (var run = 0; run < 20; run++)
        {
            var stored = Initial(kind);
            for (var step = 0; step < 40; step++)
            {
                _time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 2500)));
                var subresource = kind == "Deployment" && random.Next(5) == 0 ? "status" : "";
                var context = Context(kind, subresource, managers[random.Next(managers.Length)]);
                var updated = (JsonObject)stored.DeepClone();
                Mutate(updated, kind, random);
                var requested = Requested(updated, random);

                var now = tracker.Update(stored, (JsonObject)updated.DeepClone(), requested?.DeepClone(), context);
                var before = Reference(stored, (JsonObject)updated.DeepClone(), requested?.DeepClone(), context, ObjectMeta.FormatTime(_time.GetUtcNow()));
                var label = $"run {run} step {step}: {PathElement.Compact(stored)} -> {PathElement.Compact(updated)}";
                Assert.True(Bytes(before) == Bytes(now), label + "\nbefore: " + Bytes(before) + "\nnow:    " + Bytes(now));

                var meta = updated["metadata"] as JsonObject ?? new JsonObject();
                updated["metadata"] = meta;
                meta.Remove("managedFields");
                if (now is not null)
                {
                    meta["managedFields"] = now;
                }

                stored = updated;
            }
        }
    }

    private static JsonObject Initial(string kind) => (JsonObject)JsonNode.Parse(kind switch
    {
        "ConfigMap" => """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default","uid":"u","resourceVersion":"1"},"data":{"v":"0","payload":"xxxx"}}""",
        "Deployment" => """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},
             "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
              "spec":{"containers":[{"name":"app","image":"nginx","ports":[{"containerPort":80}]}]}}},"status":{"replicas":1}}
            """,
        _ => """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":1,"nested":{"a":{"b":1}},"list":[1,2]}}""",
    })!;

    /// <summary>What a client may send as managedFields: nothing (the stored ones are the base), them back, a rewrite, a reset, garbage.</summary>
    private static JsonNode? Requested(JsonObject updated, Random random)
    {
        var meta = updated["metadata"] as JsonObject;
        var sent = meta?["managedFields"];
        switch (random.Next(10))
        {
            case 0:
                return sent?.DeepClone();
            case 1:
                return JsonNode.Parse("[{}]");
            case 2:
                return JsonNode.Parse("""[{"manager":"other","operation":"Update","apiVersion":"v1","time":"2025-01-01T00:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:labels":{"f:x":{}}},"f:data":{".":{},"f:v":{}}}}]""");
            case 3:
                return JsonNode.Parse("""[{"manager":"bad","fieldsV1":{"nope":{}}}]""");
            default:
                meta?.Remove("managedFields");
                return null;
        }
    }

    private static void Mutate(JsonObject obj, string kind, Random random)
    {
        var changes = random.Next(1, 4);
        for (var i = 0; i < changes; i++)
        {
            var meta = (JsonObject)obj["metadata"]!;
            if (random.Next(6) == 0)
            {
                // A set list: its elements are values, not fields.
                meta["finalizers"] = new JsonArray(new[] { "a", "b", "c" }.Where(_ => random.Next(2) == 0).Select(f => (JsonNode?)f).ToArray());
            }

            switch (random.Next(kind == "ConfigMap" ? 6 : kind == "Deployment" ? 10 : 8))
            {
                case 0:
                    Map(meta, "labels")["l" + random.Next(4)] = "v" + random.Next(3);
                    break;
                case 1:
                    if (meta["labels"] is JsonObject labels && labels.Count > 0)
                    {
                        labels.Remove(labels.ElementAt(random.Next(labels.Count)).Key);
                    }

                    break;
                case 2:
                    Map(meta, "annotations")["a/" + random.Next(3)] = random.Next(3).ToString(CultureInfo.InvariantCulture);
                    break;
                case 3:
                    meta.Remove(random.Next(2) == 0 ? "annotations" : "labels");
                    break;
                case 4 when kind == "ConfigMap":
                    Map(obj, "data")["k" + random.Next(5)] = "v" + random.Next(3);
                    break;
                case 5 when kind == "ConfigMap":
                    if (obj["data"] is JsonObject data && data.Count > 0)
                    {
                        data.Remove(data.ElementAt(random.Next(data.Count)).Key);
                    }
                    else
                    {
                        obj.Remove("data");
                    }

                    break;
                case 4 or 5:
                    Map(obj, "spec")["replicas"] = random.Next(3);
                    break;
                case 6 when kind == "Deployment":
                    Containers(obj).Add(new JsonObject { ["name"] = "c" + random.Next(3), ["image"] = "i" + random.Next(2) });
                    break;
                case 7 when kind == "Deployment":
                    var containers = Containers(obj);
                    if (containers.Count > 1)
                    {
                        containers.RemoveAt(random.Next(containers.Count));
                    }

                    break;
                case 8:
                    Containers(obj)[0]!["image"] = "nginx:" + random.Next(3);
                    break;
                case 9:
                    Map(obj, "status")["replicas"] = random.Next(3);
                    break;
                case 6:
                    Map(Map(Map(obj, "spec"), "nested"), "a")["c" + random.Next(3)] = random.Next(2) == 0 ? null : new JsonObject();
                    break;
                default:
                    Map(obj, "spec")["list"] = new JsonArray(random.Next(3), random.Next(3));
                    break;
            }
        }
    }

    private static JsonObject Map(JsonObject parent, string name)
    {
        if (parent[name] is not JsonObject map)
        {
            map = new JsonObject();
            parent[name] = map;
        }

        return map;
    }

    private static JsonArray Containers(JsonObject obj) => (JsonArray)obj["spec"]!["template"]!["spec"]!["containers"]!;

    /// <summary>ManagedFieldsTracker.UpdateByComparison as it was (copies without managedFields, LINQ, every entry copied).</summary>
    private static JsonArray? Reference(JsonObject? live, JsonObject updated, JsonNode? requested, FieldManagerContext context, string now)
    {
        List<ManagedFieldsEntry> entries;
        if (context.Subresource.Length == 0 && ManagedFieldsEntry.TryDecode(requested, out var sent) && sent.Count > 0)
        {
            entries = sent;
        }
        else if (!ManagedFieldsEntry.TryDecode(live?["metadata"]?["managedFields"], out entries))
        {
            entries = [];
        }

        var added = new FieldSet();
        var modified = new FieldSet();
        var removed = new FieldSet();
        var lhs = WithoutManagedFields(live ?? new JsonObject());
        var rhs = WithoutManagedFields(updated);
        CompareNode(lhs, true, rhs, true, context.Schema, FieldPath.Root, added, modified, removed);
        if (!context.Ignored.IsEmpty)
        {
            added = added.RecursiveDifference(context.Ignored);
            modified = modified.RecursiveDifference(context.Ignored);
            removed = removed.RecursiveDifference(context.Ignored);
        }

        var changed = modified.Union(added);
        var taken = changed.Union(removed);
        var managers = entries.Select(e => e with { Fields = e.Fields.Difference(taken) }).ToList();
        var own = changed.RecursiveDifference(context.Ignored).Difference(ManagedFieldsTracker.Stripped);
        if (!own.IsEmpty)
        {
            var id = ManagerId.Updater(context.Manager, context.ApiVersion, context.Subresource);
            var index = managers.FindIndex(e => e.Id == id);
            var fields = index >= 0 ? managers[index].Fields.Union(own) : own;
            var entry = new ManagedFieldsEntry(id, context.ApiVersion, now, fields);
            if (index >= 0)
            {
                managers[index] = entry;
            }
            else
            {
                managers.Add(entry);
            }
        }

        var sorted = managers
            .Where(e => !e.Fields.IsEmpty)
            .OrderBy(e => e.Id.Operation, StringComparer.Ordinal)
            .ThenBy(e => Seconds(e.Time))
            .ThenBy(e => e.Id.Manager, StringComparer.Ordinal)
            .ThenBy(e => e.ApiVersion, StringComparer.Ordinal)
            .ThenBy(e => e.Id.Subresource, StringComparer.Ordinal)
            .ToList();
        if (sorted.Count == 0)
        {
            return null;
        }

        var result = new JsonArray();
        foreach (var e in sorted)
        {
            var obj = new JsonObject();
            Add(obj, "manager", e.Id.Manager);
            Add(obj, "operation", e.Id.Operation);
            Add(obj, "apiVersion", e.ApiVersion);
            Add(obj, "time", e.Time);
            obj["fieldsType"] = "FieldsV1";
            obj["fieldsV1"] = e.Fields.ToFieldsV1();
            Add(obj, "subresource", e.Id.Subresource);
            result.Add(obj);
        }

        return result;
    }

    /// <summary>FieldSetBuilder.CompareNode as it was: a FieldPath per node, the names as a LINQ union.</summary>
    private static void CompareNode(JsonNode? lhs, bool lhsPresent, JsonNode? rhs, bool rhsPresent, StructuralSchema? schema, FieldPath path,
        FieldSet added, FieldSet modified, FieldSet removed)
    {
        if (!lhsPresent && !rhsPresent)
        {
            return;
        }

        var kind = FieldShape.KindOf(schema, rhsPresent ? rhs : lhs);
        if (lhsPresent && rhsPresent && FieldShape.KindOf(schema, lhs) != kind)
        {
            modified.Insert(path);
            return;
        }

        var bothEmpty = (!lhsPresent || FieldShape.IsEmptyOrNull(lhs)) && (!rhsPresent || FieldShape.IsEmptyOrNull(rhs));
        if (kind is ShapeKind.Scalar or ShapeKind.Atomic || bothEmpty)
        {
            if (!lhsPresent)
            {
                added.Insert(path);
            }
            else if (!rhsPresent)
            {
                removed.Insert(path);
            }
            else if (!JsonNode.DeepEquals(lhs, rhs))
            {
                modified.Insert(path);
            }

            return;
        }

        if (!lhsPresent)
        {
            added.Insert(path);
        }
        else if (!rhsPresent)
        {
            removed.Insert(path);
        }

        if (kind is ShapeKind.Struct or ShapeKind.Map)
        {
            var left = lhs as JsonObject;
            var right = rhs as JsonObject;
            var names = (left?.Select(p => p.Key) ?? []).Union(right?.Select(p => p.Key) ?? []).ToList();
            foreach (var name in names)
            {
                var (l, hasLeft, r, hasRight) = FieldShape.FieldSides(kind, schema, left, right, name, path.Count == 0);
                CompareNode(l, hasLeft, r, hasRight, FieldShape.FieldSchema(schema, name), path.Append(PathElement.Field(name)), added, modified, removed);
            }

            return;
        }

        var leftElements = Index(schema, kind, lhs as JsonArray);
        var rightElements = Index(schema, kind, rhs as JsonArray);
        foreach (var element in leftElements.Keys.Union(rightElements.Keys))
        {
            var hasLeft = leftElements.TryGetValue(element, out var l);
            var hasRight = rightElements.TryGetValue(element, out var r);
            CompareNode(l, hasLeft, r, hasRight, schema!.Items, path.Append(element), added, modified, removed);
        }
    }

    private static Dictionary<PathElement, JsonNode?> Index(StructuralSchema? schema, ShapeKind kind, JsonArray? list)
    {
        var index = new Dictionary<PathElement, JsonNode?>();
        foreach (var (element, value) in FieldShape.Elements(schema, kind, list))
        {
            index.TryAdd(element, value);
        }

        return index;
    }

    private static JsonObject WithoutManagedFields(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        (copy["metadata"] as JsonObject)?.Remove("managedFields");
        return copy;
    }

    private static long Seconds(string? time) =>
        DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.ToUnixTimeSeconds() : 0;

    private static void Add(JsonObject obj, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            obj[name] = value;
        }
    }

    private static FieldManagerContext Context(string kind, string subresource, string manager)
    {
        var schema = kind switch
        {
            "ConfigMap" => BuiltInSchemas.SchemaOf(typeof(V1ConfigMap)),
            "Deployment" => BuiltInSchemas.SchemaOf(typeof(V1Deployment)),
            _ => null,
        };
        return new FieldManagerContext(manager, subresource, kind == "Deployment" ? "apps/v1" : "v1", schema,
            ManagedFieldsTracker.ResetFields(subresource, kind == "Deployment"));
    }

    private static string Bytes(JsonNode? node) => node is null ? "null" : PathElement.Compact(node);
}
