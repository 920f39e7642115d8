using FakeApiServer.Schema;

namespace FakeApiServer.Tests.Schema;

public sealed class StructuralSchemaTests
{
    private static readonly StructuralSchema Port = StructuralSchema.Object(
        ("containerPort", StructuralSchema.Integer()),
        ("protocol", StructuralSchema.String() with { Default = StructuralSchema.Json("\"TCP\"") })) with
    {
        Required = ["containerPort"],
    };

    private static readonly StructuralSchema Container = StructuralSchema.Object(
        ("name", StructuralSchema.String()),
        ("ports", StructuralSchema.ArrayOf(Port) with
        {
            ListType = ListTypes.Map,
            ListMapKeys = ["containerPort", "protocol"],
            PatchMergeKey = "containerPort",
            PatchStrategy = PatchStrategies.Merge,
        }),
        ("env", StructuralSchema.MapOf(StructuralSchema.String())));

    [Fact]
    public void Hand_built_schemas_keep_property_order()
    {
        Assert.Equal(["name", "ports", "env"], Container.Properties.Keys);
        Assert.Equal(3, Container.Properties.Count);
    }

    [Fact]
    public void Path_steps_into_properties_items_and_map_values()
    {
        Assert.Same(Port, Container.Path("ports[]"));
        Assert.Equal("integer", Container.Path("ports[].containerPort")?.Type);
        Assert.Equal("string", Container.Path("env{}")?.Type);
        Assert.Null(Container.Path("ports[].missing"));
        Assert.Null(Container.Path("name[]"));
        Assert.Same(Container, Container.Path(""));
    }

    [Fact]
    public void Patch_strategy_helpers_read_comma_separated_strategies()
    {
        var volumes = new StructuralSchema { Type = "array", PatchStrategy = PatchStrategies.MergeRetainKeys };

        Assert.True(volumes.PatchMerges);
        Assert.True(volumes.PatchRetainsKeys);
        Assert.False(new StructuralSchema().PatchMerges);
    }

    [Fact]
    public void Equality_is_by_reference_so_recursive_graphs_compare_cheaply()
    {
        var copy = Port with { };

        Assert.NotEqual(Port, copy);
        Assert.Equal(Port, Port);
        Assert.Same(Port.Properties, copy.Properties);
    }

    [Fact]
    public void Deferred_properties_are_built_once_on_first_use()
    {
        var builds = 0;
        var schema = new StructuralSchema
        {
            Type = "object",
            Properties = SchemaProperties.Deferred(() =>
            {
                builds++;
                return [("a", StructuralSchema.Boolean())];
            }),
        };

        Assert.Equal(0, builds);
        Assert.Equal("boolean", schema.Property("a")?.Type);
        Assert.Null(schema.Property("b"));
        Assert.Equal(1, builds);
    }

    [Fact]
    public void To_string_summarises_without_walking_the_graph()
    {
        Assert.Equal("array of map of string", StructuralSchema.ArrayOf(StructuralSchema.MapOf(StructuralSchema.String())).ToString());
        Assert.Equal("int-or-string", StructuralSchema.IntOrStringValue().ToString());
        Assert.Equal("io.k8s.api.core.v1.Container", (Container with { ComponentName = "io.k8s.api.core.v1.Container" }).ToString());
    }
}
