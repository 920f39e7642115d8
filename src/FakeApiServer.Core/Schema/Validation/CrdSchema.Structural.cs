using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;

namespace FakeApiServer.Schema.Validation;

internal sealed partial record CrdSchema
{
    /// <summary>
    /// The machinery's structural schema for this node, so that pruning (<see cref="UnknownFields"/>), the OpenAPI
    /// documents, merge patch and server-side apply treat custom resources as kube-apiserver does. At a resource root
    /// (<paramref name="isResourceRoot"/>, the default) and in embedded resources, apiVersion and kind are strings
    /// and metadata is the ObjectMeta schema whatever the CRD declares, because upstream always keeps and coerces them.
    /// Value validations, x-kubernetes-validations and allOf/anyOf/oneOf/not have no structural counterpart.
    /// </summary>
    public StructuralSchema ToStructural(bool isResourceRoot = true)
    {
        var properties = new List<(string Name, StructuralSchema Schema)>();
        foreach (var (name, schema) in Properties)
        {
            properties.Add((name, (isResourceRoot || EmbeddedResource) && name is "apiVersion" or "kind" or "metadata"
                ? ResourceField(name, schema)
                : schema.ToStructural(isResourceRoot: false)));
        }

        if (isResourceRoot || EmbeddedResource)
        {
            foreach (var name in (string[])["apiVersion", "kind", "metadata"])
            {
                if (!Properties.ContainsKey(name))
                {
                    properties.Add((name, ResourceField(name, null)));
                }
            }
        }

        return new StructuralSchema
        {
            Type = IntOrString ? null : Type,
            Format = IntOrString && Format is null ? "int-or-string" : Format,
            Description = Description,
            Properties = properties.Count == 0 ? SchemaProperties.Empty : SchemaProperties.Of(properties),
            Items = Items?.ToStructural(isResourceRoot: false),
            AdditionalProperties = AdditionalProperties?.ToStructural(isResourceRoot: false),
            Required = Required,
            Default = HasDefault ? Element(Default) : null,
            Enum = [.. Enum.Select(Element)],
            Nullable = Nullable,
            ListType = ListType,
            ListMapKeys = ListMapKeys,
            MapType = MapType,
            IntOrString = IntOrString,
            PreserveUnknownFields = KeepsUnknownFields,
            EmbeddedResource = EmbeddedResource,
        };
    }

    private static StructuralSchema ResourceField(string name, CrdSchema? declared) => name switch
    {
        "metadata" => (BuiltInSchemas.SchemaOf(typeof(V1ObjectMeta)) ?? StructuralSchema.Unknown()) with
        {
            Description = declared?.Description ?? BuiltInSchemas.SchemaOf(typeof(V1ObjectMeta))?.Description,
        },
        _ => StructuralSchema.String() with { Description = declared?.Description },
    };

    private static JsonElement Element(JsonNode? node)
    {
        using var doc = JsonDocument.Parse(node?.ToJsonString() ?? "null");
        return doc.RootElement.Clone();
    }
}
