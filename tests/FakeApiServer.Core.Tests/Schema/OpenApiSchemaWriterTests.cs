using System.Text.Json.Nodes;
using FakeApiServer.Schema;

namespace FakeApiServer.Tests.Schema;

public sealed class OpenApiSchemaWriterTests
{
    private static readonly Lazy<JsonObject> BuiltIn = new(() => OpenApiSchemaWriter.Components(
    [
        (BuiltInSchemas.Instance.SchemaFor("", "v1", "Pod")!, "", "v1", "Pod"),
        (BuiltInSchemas.Instance.SchemaFor("", "v1", "Service")!, "", "v1", "Service"),
        (BuiltInSchemas.Instance.SchemaFor("apps", "v1", "Deployment")!, "apps", "v1", "Deployment"),
    ]));

    private static JsonObject Schemas => BuiltIn.Value["schemas"]!.AsObject();

    private static JsonObject Component(string name) => Schemas[name]?.AsObject() ?? throw new KeyNotFoundException(name);

    [Fact]
    public void Pod_spec_is_a_reference_to_the_pod_spec_component()
    {
        var spec = Component("io.k8s.api.core.v1.Pod")["properties"]!["spec"]!;

        Assert.Equal("#/components/schemas/io.k8s.api.core.v1.PodSpec", (string?)spec["allOf"]![0]!["$ref"]);
        Assert.StartsWith("Specification of the desired behavior of the pod.", (string?)spec["description"], StringComparison.Ordinal);
        Assert.Equal("PodSpec is a description of a pod.", (string?)Component("io.k8s.api.core.v1.PodSpec")["description"]);
        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", (string?)Component("io.k8s.api.core.v1.Pod")["properties"]!["metadata"]!["allOf"]![0]!["$ref"]);
    }

    [Fact]
    public void Kinds_carry_group_version_kind_arrays()
    {
        var gvk = Component("io.k8s.api.apps.v1.Deployment")["x-kubernetes-group-version-kind"]!.AsArray();

        Assert.Equal("""[{"group":"apps","kind":"Deployment","version":"v1"}]""", gvk.ToJsonString());
        Assert.Equal("""[{"group":"","kind":"Pod","version":"v1"}]""", Component("io.k8s.api.core.v1.Pod")["x-kubernetes-group-version-kind"]!.ToJsonString());
        Assert.Null(Component("io.k8s.api.core.v1.PodSpec")["x-kubernetes-group-version-kind"]);
    }

    [Fact]
    public void Container_ports_carry_the_list_and_patch_extensions()
    {
        var ports = Component("io.k8s.api.core.v1.Container")["properties"]!["ports"]!;

        Assert.Equal("array", (string?)ports["type"]);
        Assert.Equal("map", (string?)ports["x-kubernetes-list-type"]);
        Assert.Equal("""["containerPort","protocol"]""", ports["x-kubernetes-list-map-keys"]!.ToJsonString());
        Assert.Equal("containerPort", (string?)ports["x-kubernetes-patch-merge-key"]);
        Assert.Equal("merge", (string?)ports["x-kubernetes-patch-strategy"]);
        Assert.Equal("#/components/schemas/io.k8s.api.core.v1.ContainerPort", (string?)ports["items"]!["allOf"]![0]!["$ref"]);
        Assert.False(string.IsNullOrEmpty((string?)ports["description"]));
    }

    [Fact]
    public void Components_carry_required_defaults_and_descriptions()
    {
        var port = Component("io.k8s.api.core.v1.ContainerPort");

        Assert.Equal("""["containerPort"]""", port["required"]!.ToJsonString());
        Assert.Equal("TCP", (string?)port["properties"]!["protocol"]!["default"]);
        Assert.Equal("int32", (string?)port["properties"]!["containerPort"]!["format"]);
        Assert.False(string.IsNullOrEmpty((string?)Component("io.k8s.api.core.v1.Container")["properties"]!["image"]!["description"]));
    }

    [Fact]
    public void Target_port_refers_to_int_or_string()
    {
        var targetPort = Component("io.k8s.api.core.v1.ServicePort")["properties"]!["targetPort"]!;
        var intOrString = Component("io.k8s.apimachinery.pkg.util.intstr.IntOrString");

        Assert.Equal("#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString", (string?)targetPort["allOf"]![0]!["$ref"]);
        Assert.True((bool?)intOrString["x-kubernetes-int-or-string"]);
        Assert.Equal("int-or-string", (string?)intOrString["format"]);
    }

    [Fact]
    public void Map_types_patch_strategies_and_unknown_fields_are_rendered()
    {
        Assert.Equal("atomic", (string?)Component("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector")["x-kubernetes-map-type"]);
        Assert.Equal("atomic", (string?)Component("io.k8s.api.core.v1.PodSpec")["properties"]!["nodeSelector"]!["x-kubernetes-map-type"]);
        Assert.Equal("retainKeys", (string?)Component("io.k8s.api.apps.v1.DeploymentSpec")["properties"]!["strategy"]!["x-kubernetes-patch-strategy"]);
        Assert.Equal("merge,retainKeys", (string?)Component("io.k8s.api.core.v1.PodSpec")["properties"]!["volumes"]!["x-kubernetes-patch-strategy"]);
        Assert.True((bool?)Component("io.k8s.apimachinery.pkg.apis.meta.v1.ManagedFieldsEntry")["properties"]!["fieldsV1"]!["x-kubernetes-preserve-unknown-fields"]);
        Assert.Equal("string", (string?)Component("io.k8s.api.core.v1.PodSpec")["properties"]!["nodeSelector"]!["additionalProperties"]!["type"]);
    }

    [Fact]
    public void Every_reference_resolves_to_a_component()
    {
        var refs = new List<string>();
        Collect(BuiltIn.Value, refs);

        Assert.NotEmpty(refs);
        Assert.All(refs, r => Assert.True(Schemas.ContainsKey(r["#/components/schemas/".Length..]), r));
    }

    [Fact]
    public void Output_is_deterministic()
    {
        var again = OpenApiSchemaWriter.Components(
        [
            (BuiltInSchemas.Instance.SchemaFor("", "v1", "Pod")!, "", "v1", "Pod"),
            (BuiltInSchemas.Instance.SchemaFor("", "v1", "Service")!, "", "v1", "Service"),
            (BuiltInSchemas.Instance.SchemaFor("apps", "v1", "Deployment")!, "apps", "v1", "Deployment"),
        ]);

        Assert.Equal(BuiltIn.Value.ToJsonString(), again.ToJsonString());
    }

    [Fact]
    public void Recursive_named_schemas_are_written_once()
    {
        StructuralSchema? node = null;
        node = new StructuralSchema
        {
            Type = "object",
            ComponentName = "io.example.v1.Node",
            Description = "A tree node.",
            Properties = SchemaProperties.Deferred(() => [("children", StructuralSchema.ArrayOf(node!))]),
        };
        var tree = StructuralSchema.Object(("root", node)) with { Description = "A tree." };

        var schemas = OpenApiSchemaWriter.Components([(tree, "example.io", "v1", "Tree")])["schemas"]!.AsObject();

        Assert.Equal(["io.example.v1.Node", "io.example.v1.Tree"], schemas.Select(s => s.Key));
        Assert.Equal("#/components/schemas/io.example.v1.Node", (string?)schemas["io.example.v1.Node"]!["properties"]!["children"]!["items"]!["allOf"]![0]!["$ref"]);
        Assert.Equal("""[{"group":"example.io","kind":"Tree","version":"v1"}]""", schemas["io.example.v1.Tree"]!["x-kubernetes-group-version-kind"]!.ToJsonString());
    }

    private static void Collect(JsonNode? node, List<string> refs)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "$ref")
                    {
                        refs.Add((string)value!);
                    }
                    else
                    {
                        Collect(value, refs);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, refs);
                }

                break;
        }
    }
}
