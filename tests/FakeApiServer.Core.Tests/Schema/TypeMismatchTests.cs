using System.Text.Json.Nodes;
using FakeApiServer.Schema;
using k8s.Models;

namespace FakeApiServer.Tests.Schema;

/// <summary>Where <see cref="TypeMismatch.Find"/> says a value does not fit: the Go struct, the dotted field name and the apply path.</summary>
public sealed class TypeMismatchTests
{
    private static readonly StructuralSchema Deployment = BuiltInSchemas.SchemaOf(typeof(V1Deployment))!;

    [Theory]
    [InlineData("""{"metadata":{"name":5}}""", "ObjectMeta", "metadata.name", ".metadata.name")]
    [InlineData("""{"metadata":{"name":"d","labels":{"a":"1","b":5}}}""", "ObjectMeta", "metadata.labels", ".metadata.labels.b")]
    [InlineData("""{"metadata":{"finalizers":["a",{}]}}""", "ObjectMeta", "metadata.finalizers", ".metadata.finalizers[1]")]
    [InlineData(
        """{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"i"},{"name":"b","ports":[{"containerPort":"x"}]}]}}}}""",
        "ContainerPort", "spec.template.spec.containers.ports.containerPort", ".spec.template.spec.containers[1].ports[0].containerPort")]
    [InlineData("""{"spec":{"replicas":"2"}}""", "DeploymentSpec", "spec.replicas", ".spec.replicas")]
    public void A_value_that_does_not_fit_is_named_by_its_struct_field_and_path(string json, string owner, string field, string smdPath)
    {
        var mismatch = TypeMismatch.Find((JsonObject)JsonNode.Parse(json)!, Deployment);

        Assert.NotNull(mismatch);
        Assert.Equal(owner, mismatch.Struct);
        Assert.Equal(field, mismatch.Field);
        Assert.Equal(smdPath, mismatch.SmdPath);
    }

    [Fact]
    public void A_body_that_fits_has_no_mismatch() =>
        Assert.Null(TypeMismatch.Find((JsonObject)JsonNode.Parse("""{"metadata":{"name":"d","labels":{"a":"1"}},"spec":{"replicas":2}}""")!, Deployment));
}
