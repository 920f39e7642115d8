using System.Text.Json;
using System.Text.Json.Nodes;

namespace FakeApiServer.Schema;

/// <summary>
/// Renders structural schemas as the "components" of an OpenAPI 3.0 document, the way kube-apiserver's
/// /openapi/v3 documents look: one schema per named type (<see cref="StructuralSchema.ComponentName"/>), a named
/// property as <c>{"allOf":[{"$ref":...}],"description":...}</c>, the x-kubernetes-* extensions, and
/// <c>x-kubernetes-group-version-kind</c> (an array) on each kind's schema. kubectl explain reads these.
/// </summary>
/// <remarks>
/// Named types are written once and referenced, so recursive graphs terminate; a cycle must pass through a named
/// node. Output is sorted by component name, so equal inputs give byte-identical documents (their content hash is
/// the document's URL hash).
/// </remarks>
internal static class OpenApiSchemaWriter
{
    private const string RefPrefix = "#/components/schemas/";

    /// <summary>
    /// The <c>components</c> object, <c>{"schemas":{...}}</c>, for these kinds and every named type they reach.
    /// A kind's schema without a component name is named after its group like a CRD's (com.example.v1.Widget).
    /// </summary>
    public static JsonObject Components(IEnumerable<(StructuralSchema Schema, string Group, string Version, string Kind)> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var pending = new Queue<(string Name, StructuralSchema Schema)>();
        var seen = new Dictionary<string, StructuralSchema>(StringComparer.Ordinal);
        var gvks = new Dictionary<string, JsonArray>(StringComparer.Ordinal);
        foreach (var (schema, group, version, kind) in kinds)
        {
            var name = schema.ComponentName ?? DefaultName(group, version, kind);
            if (seen.TryAdd(name, schema))
            {
                pending.Enqueue((name, schema));
            }

            if (!gvks.TryGetValue(name, out var list))
            {
                gvks[name] = list = [];
            }

            list.Add(new JsonObject { ["group"] = group, ["kind"] = kind, ["version"] = version });
        }

        var writer = new Writer(pending, seen);
        var bodies = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        while (pending.TryDequeue(out var next))
        {
            var body = writer.Component(next.Schema);
            if (gvks.TryGetValue(next.Name, out var list))
            {
                body["x-kubernetes-group-version-kind"] = list;
            }

            bodies[next.Name] = body;
        }

        var schemas = new JsonObject();
        foreach (var (name, body) in bodies.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            schemas[name] = body;
        }

        return new JsonObject { ["schemas"] = schemas };
    }

    /// <summary>The component name of a kind without one: the group reversed, as upstream names CRD schemas.</summary>
    public static string DefaultName(string group, string version, string kind)
    {
        var parts = group.Split('.', StringSplitOptions.RemoveEmptyEntries);
        Array.Reverse(parts);
        return string.Join('.', parts.Append(version).Append(kind));
    }

    private sealed class Writer(Queue<(string Name, StructuralSchema Schema)> pending, Dictionary<string, StructuralSchema> seen)
    {
        /// <summary>A named type's own schema: everything except the property-level fields.</summary>
        public JsonObject Component(StructuralSchema schema)
        {
            var json = new JsonObject();
            AddIfNotNull(json, "description", schema.TypeDescription ?? schema.Description);
            Body(json, schema);
            return json;
        }

        /// <summary>A schema at a property, items or additionalProperties position.</summary>
        private JsonObject Node(StructuralSchema schema)
        {
            if (schema.ComponentName is { } name)
            {
                if (seen.TryAdd(name, schema))
                {
                    pending.Enqueue((name, schema));
                }

                var reference = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = RefPrefix + name }) };
                if (schema.TypeDescription is null || schema.Description != schema.TypeDescription)
                {
                    AddIfNotNull(reference, "description", schema.Description);
                }

                PropertyLevel(reference, schema);
                return reference;
            }

            var json = new JsonObject();
            AddIfNotNull(json, "description", schema.Description);
            Body(json, schema);
            PropertyLevel(json, schema);
            return json;
        }

        private void Body(JsonObject json, StructuralSchema schema)
        {
            AddIfNotNull(json, "type", schema.Type);
            AddIfNotNull(json, "format", schema.Format);
            if (schema.Properties.Count > 0)
            {
                var properties = new JsonObject();
                foreach (var (name, property) in schema.Properties)
                {
                    properties[name] = Node(property);
                }

                json["properties"] = properties;
            }

            if (schema.Items is { } items)
            {
                json["items"] = Node(items);
            }

            if (schema.AdditionalProperties is { } values)
            {
                json["additionalProperties"] = Node(values);
            }

            if (schema.Required.Count > 0)
            {
                json["required"] = new JsonArray([.. schema.Required.Select(r => (JsonNode)r)]);
            }

            if (schema.Enum.Count > 0)
            {
                json["enum"] = new JsonArray([.. schema.Enum.Select(e => JsonSerializer.SerializeToNode(e))]);
            }

            if (schema.IntOrString)
            {
                json["x-kubernetes-int-or-string"] = true;
            }

            if (schema.PreserveUnknownFields)
            {
                json["x-kubernetes-preserve-unknown-fields"] = true;
            }

            if (schema.EmbeddedResource)
            {
                json["x-kubernetes-embedded-resource"] = true;
            }

            AddIfNotNull(json, "x-kubernetes-list-type", schema.ListType);
            if (schema.ListMapKeys.Count > 0)
            {
                json["x-kubernetes-list-map-keys"] = new JsonArray([.. schema.ListMapKeys.Select(k => (JsonNode)k)]);
            }

            AddIfNotNull(json, "x-kubernetes-map-type", schema.MapType);
        }

        /// <summary>What belongs to the use of a type rather than the type: default, nullable, patch metadata.</summary>
        private static void PropertyLevel(JsonObject json, StructuralSchema schema)
        {
            if (schema.Default is { } value)
            {
                json["default"] = JsonSerializer.SerializeToNode(value);
            }

            if (schema.Nullable)
            {
                json["nullable"] = true;
            }

            AddIfNotNull(json, "x-kubernetes-patch-merge-key", schema.PatchMergeKey);
            AddIfNotNull(json, "x-kubernetes-patch-strategy", schema.PatchStrategy);
        }

        private static void AddIfNotNull(JsonObject json, string key, string? value)
        {
            if (value is not null)
            {
                json[key] = value;
            }
        }
    }
}
