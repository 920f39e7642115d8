using System.Text.Json.Nodes;
using FakeApiServer.Apis.Networking.PodNetworkAttachments;
using FakeApiServer.Registry;

namespace FakeApiServer.Tests.Apis.Networking.PodNetworkAttachments;

public sealed class PodNetworkAttachmentStrategyTests
{
    private readonly PodNetworkAttachmentStrategy _strategy = new();

    private static JsonObject ValidAttachment(Action<JsonObject>? tweak = null)
    {
        var obj = JsonNode.Parse("""
            {"apiVersion":"networking.k8s.io/v1alpha1","kind":"PodNetworkAttachment","metadata":{"name":"fast","namespace":"default"},
             "spec":{"podNetworkName":"dataplane","parametersRefs":[{"group":"example.com","kind":"PodParams","name":"params-a"}]}}
            """)!.AsObject();
        tweak?.Invoke(obj);
        return obj;
    }

    private static JsonObject Spec(JsonObject obj) => obj["spec"]!.AsObject();

    private static string[] Errors(IEnumerable<FieldError> errors) => [.. errors.Select(e => e.ToString())];

    [Fact]
    public void Valid_attachment_has_no_errors()
    {
        Assert.Empty(_strategy.Validate(ValidAttachment()));
    }

    [Fact]
    public void Create_clears_status()
    {
        var obj = ValidAttachment(o => o["status"] = JsonNode.Parse("""{"conditions":[]}"""));

        _strategy.PrepareForCreate(obj);

        Assert.Null(obj["status"]);
    }

    [Fact]
    public void Missing_pod_network_name_is_required()
    {
        Assert.Equal(["spec.podNetworkName: Required value"], Errors(_strategy.Validate(ValidAttachment(o => Spec(o).Remove("podNetworkName")))));
        Assert.Equal(["spec.podNetworkName: Required value"], Errors(_strategy.Validate(ValidAttachment(o => o.Remove("spec")))));
    }

    [Fact]
    public void Pod_network_name_must_be_a_dns_subdomain()
    {
        var error = Assert.Single(_strategy.Validate(ValidAttachment(o => Spec(o)["podNetworkName"] = "Data_Plane")));

        Assert.Equal("spec.podNetworkName", error.Field);
        Assert.Equal(FieldErrorType.Invalid, error.Type);
    }

    [Fact]
    public void Parameters_refs_are_checked_as_for_pod_networks()
    {
        Assert.Equal(["spec.parametersRefs[0].kind: Required value"], Errors(_strategy.Validate(ValidAttachment(o => Spec(o)["parametersRefs"]![0]!["kind"] = ""))));
    }

    [Fact]
    public void Update_of_pod_network_name_is_immutable()
    {
        var errors = _strategy.ValidateUpdate(ValidAttachment(o => Spec(o)["podNetworkName"] = "other"), ValidAttachment());

        Assert.Equal(["spec.podNetworkName: Invalid value: \"other\": field is immutable"], Errors(errors));
    }

    [Fact]
    public void Update_of_parameters_refs_is_immutable()
    {
        var error = Assert.Single(_strategy.ValidateUpdate(ValidAttachment(o => Spec(o).Remove("parametersRefs")), ValidAttachment()));

        Assert.Equal("spec.parametersRefs: Invalid value: []: field is immutable", error.ToString());
    }

    [Fact]
    public void Status_update_keeps_spec_unchanged()
    {
        var old = ValidAttachment();
        var update = ValidAttachment(o =>
        {
            Spec(o)["podNetworkName"] = "other";
            o["status"] = JsonNode.Parse("""{"conditions":[{"type":"Ready","status":"True"}]}""");
        });

        new PodNetworkAttachmentStatusStrategy(_strategy).PrepareForUpdate(update, old);

        Assert.Equal("dataplane", (string?)update["spec"]!["podNetworkName"]);
        Assert.Equal("True", (string?)update["status"]!["conditions"]![0]!["status"]);
    }
}
