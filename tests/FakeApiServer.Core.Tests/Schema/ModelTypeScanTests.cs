using System.Reflection;
using FakeApiServer.Schema;
using k8s.Models;

namespace FakeApiServer.Tests.Schema;

public sealed class ModelTypeScanTests
{
    [Fact]
    public void Finds_the_same_model_classes_as_loading_every_type()
    {
        var package = typeof(V1Pod).Assembly;
        var expected = package.GetTypes()
            .Where(t => t.Namespace == "k8s.Models" && t.IsClass && !t.IsAbstract && !t.IsGenericTypeDefinition)
            .ToHashSet();

        var found = ModelTypeScan.ClassesIn(package, "k8s.Models").ToList();

        Assert.Equal(expected.Count, found.Count);
        Assert.True(expected.SetEquals(found));
        Assert.Contains(typeof(V1Pod), found);
        Assert.Contains(typeof(V1Container), found);
    }

    [Theory]
    [InlineData(typeof(ApiModelAttribute))]
    [InlineData(typeof(ApiFieldsOfAttribute))]
    public void Finds_the_same_attributed_types_as_loading_every_type(Type attribute)
    {
        var own = typeof(ModelTypeScan).Assembly;
        var expected = own.GetTypes().Where(t => t.GetCustomAttribute(attribute) is not null).ToHashSet();

        var found = ModelTypeScan.WithOwnAttribute(own, attribute.Name).ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, found.Count);
        Assert.True(expected.SetEquals(found));
    }
}
