using System.Text.Json.Nodes;

namespace FakeApiServer.Api.OpenApi;

/// <summary>
/// The Swagger 2.0 document of /openapi/v2, built from the per-group/version OpenAPI v3 documents: their schemas
/// become definitions (references rewritten to #/definitions/), their operations v2 operations with consumes,
/// produces, query and body parameters and responses, keeping x-kubernetes-action and x-kubernetes-group-version-kind.
/// kubectl 1.27 reads a kind's PATCH consumes from here to choose client-side apply's patch type (strategic merge
/// only where listed, so never for custom resources) and falls back to it for explain.
/// </summary>
internal static class OpenApiV2Document
{
    private const string V3Prefix = "#/components/schemas/";
    private const string V2Prefix = "#/definitions/";

    /// <summary>What every API operation answers, as upstream's v2 lists it.</summary>
    private static readonly string[] Produces = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    public static JsonObject Build(IEnumerable<JsonObject> v3Documents, string gitVersion)
    {
        var paths = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var definitions = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var doc in v3Documents)
        {
            if (doc["components"]?["schemas"] is JsonObject schemas)
            {
                foreach (var (name, schema) in schemas)
                {
                    if (schema is not null && !definitions.ContainsKey(name))
                    {
                        definitions[name] = References(schema.DeepClone());
                    }
                }
            }

            if (doc["paths"] is JsonObject v3Paths)
            {
                foreach (var (path, item) in v3Paths)
                {
                    if (item is JsonObject operations)
                    {
                        paths[path] = PathItem(operations);
                    }
                }
            }
        }

        return new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = gitVersion },
            ["paths"] = new JsonObject(paths.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["definitions"] = new JsonObject(definitions.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)d.Value))),
        };
    }

    private static JsonObject PathItem(JsonObject v3)
    {
        var item = new JsonObject();
        foreach (var method in Methods)
        {
            if (v3[method] is JsonObject operation)
            {
                item[method] = Operation(operation);
            }
        }

        return item;
    }

    private static JsonObject Operation(JsonObject v3)
    {
        var content = v3["requestBody"]?["content"] as JsonObject;
        var consumes = content is null ? new JsonArray("*/*") : new JsonArray(content.Select(c => (JsonNode?)c.Key).ToArray());
        var parameters = new JsonArray();
        if (content?.FirstOrDefault().Value?["schema"] is { } body)
        {
            parameters.Add(new JsonObject { ["name"] = "body", ["in"] = "body", ["required"] = true, ["schema"] = References(body.DeepClone()) });
        }

        foreach (var parameter in (v3["parameters"] as JsonArray ?? []).OfType<JsonObject>())
        {
            parameters.Add(new JsonObject
            {
                ["uniqueItems"] = true,
                ["type"] = parameter["schema"]?["type"]?.DeepClone() ?? "string",
                ["description"] = parameter["description"]?.DeepClone(),
                ["name"] = parameter["name"]?.DeepClone(),
                ["in"] = parameter["in"]?.DeepClone(),
            });
        }

        var responses = new JsonObject();
        foreach (var (code, response) in v3["responses"] as JsonObject ?? [])
        {
            var v2 = new JsonObject { ["description"] = response?["description"]?.DeepClone() ?? "OK" };
            if (response?["content"]?["application/json"]?["schema"] is { } schema)
            {
                v2["schema"] = References(schema.DeepClone());
            }

            responses[code] = v2;
        }

        var operation = new JsonObject
        {
            ["consumes"] = consumes,
            ["produces"] = new JsonArray(Produces.Select(p => (JsonNode?)p).ToArray()),
            ["schemes"] = new JsonArray("https"),
            ["operationId"] = v3["operationId"]?.DeepClone(),
            ["parameters"] = parameters,
            ["responses"] = responses,
        };
        foreach (var (name, value) in v3)
        {
            if (name.StartsWith("x-", StringComparison.Ordinal))
            {
                operation[name] = value?.DeepClone();
            }
        }

        return operation;
    }

    /// <summary>Rewrites every v3 component reference in <paramref name="node"/> to its v2 definition.</summary>
    private static JsonNode References(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                // v3 wraps a described reference as allOf:[{$ref}]; Swagger 2.0 (and upstream's v2) puts $ref beside the description.
                if (obj["allOf"] is JsonArray { Count: 1 } allOf && allOf[0] is JsonObject { Count: 1 } only && only["$ref"] is JsonValue wrapped)
                {
                    obj.Remove("allOf");
                    obj["$ref"] = wrapped.DeepClone();
                }

                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (key == "$ref" && obj[key] is JsonValue reference && reference.TryGetValue(out string? target) && target.StartsWith(V3Prefix, StringComparison.Ordinal))
                    {
                        obj[key] = V2Prefix + target[V3Prefix.Length..];
                    }
                    else if (obj[key] is { } child)
                    {
                        References(child);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        References(child);
                    }
                }

                break;
        }

        return node;
    }
}
