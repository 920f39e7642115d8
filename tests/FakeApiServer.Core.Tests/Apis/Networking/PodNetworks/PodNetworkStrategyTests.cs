using System.Text.Json.Nodes;
using FakeApiServer.Apis.Networking.PodNetworks;
using FakeApiServer.Registry;

namespace FakeApiServer.Tests.Apis.Networking.PodNetworks;

public sealed class PodNetworkStrategyTests
{
    private readonly PodNetworkStrategy _strategy = new();

    /// <summary>A valid PodNetwork as the example 02-podnetwork-dataplane.yaml has it.</summary>
    private static JsonObject ValidPodNetwork(Action<JsonObject>? tweak = null)
    {
        var obj = JsonNode.Parse("""
            {"apiVersion":"networking.k8s.io/v1alpha1","kind":"PodNetwork","metadata":{"name":"dataplane"},
             "spec":{"enabled":true,"provider":"k8s.cni.cncf.io/multus",
               "parametersRefs":[{"group":"k8s.cni.cncf.io/v1","kind":"NetworkAttachmentDefinition","namespace":"default","name":"macvlan-nad"}]}}
            """)!.AsObject();
        tweak?.Invoke(obj);
        return obj;
    }

    private static JsonObject Spec(JsonObject obj) => obj["spec"]!.AsObject();

    private static string[] Errors(IEnumerable<FieldError> errors) => [.. errors.Select(e => e.ToString())];

    [Fact]
    public void Valid_pod_network_has_no_errors()
    {
        Assert.Empty(_strategy.Validate(ValidPodNetwork()));
    }

    /// <summary>What the registry does to a created object: the kind's defaulting, then the strategy.</summary>
    private void Create(JsonObject obj)
    {
        PodNetworkStrategy.DefaultEnabled(obj);
        _strategy.PrepareForCreate(obj);
    }

    [Fact]
    public void Create_clears_status_and_defaults_enabled_to_true()
    {
        var obj = ValidPodNetwork(o =>
        {
            Spec(o).Remove("enabled");
            o["status"] = JsonNode.Parse("""{"conditions":[{"type":"Ready","status":"True"}]}""");
        });

        Create(obj);

        Assert.Null(obj["status"]);
        Assert.True((bool?)obj["spec"]!["enabled"]);
    }

    [Fact]
    public void Create_without_spec_gets_a_spec_with_enabled_true()
    {
        var obj = ValidPodNetwork(o => o.Remove("spec"));

        Create(obj);

        Assert.Equal("""{"enabled":true}""", obj["spec"]!.ToJsonString());
    }

    [Fact]
    public void Enabled_false_is_kept()
    {
        var obj = ValidPodNetwork(o => Spec(o)["enabled"] = false);

        _strategy.PrepareForCreate(obj);

        Assert.False((bool?)obj["spec"]!["enabled"]);
    }

    [Fact]
    public void Main_resource_update_keeps_the_stored_status()
    {
        var old = ValidPodNetwork(o => o["status"] = JsonNode.Parse("""{"conditions":[{"type":"Ready","status":"True"}]}"""));
        var update = ValidPodNetwork(o => o["status"] = JsonNode.Parse("""{"conditions":[]}"""));

        _strategy.PrepareForUpdate(update, old);

        Assert.True(JsonNode.DeepEquals(old["status"], update["status"]));
    }

    [Fact]
    public void Status_update_keeps_spec_unchanged_but_takes_labels()
    {
        var old = ValidPodNetwork();
        var update = ValidPodNetwork(o =>
        {
            Spec(o)["enabled"] = false;
            Spec(o)["provider"] = "acme.io/other";
            o["metadata"]!["labels"] = new JsonObject { ["tier"] = "fast" };
            o["status"] = JsonNode.Parse("""{"conditions":[{"type":"Ready","status":"False"}]}""");
        });

        new PodNetworkStatusStrategy(_strategy).PrepareForUpdate(update, old);

        Assert.True(JsonNode.DeepEquals(old["spec"], update["spec"]));
        Assert.Equal("fast", (string?)update["metadata"]!["labels"]!["tier"]);
        Assert.Equal("False", (string?)update["status"]!["conditions"]![0]!["status"]);
    }

    [Fact]
    public void Provider_longer_than_253_characters_is_too_long()
    {
        var errors = _strategy.Validate(ValidPodNetwork(o => Spec(o)["provider"] = new string('a', 254)));

        Assert.Equal(["spec.provider: Too long: may not be more than 253 bytes"], Errors(errors));
    }

    [Fact]
    public void Parameters_ref_without_group_kind_or_name_is_required()
    {
        var errors = _strategy.Validate(ValidPodNetwork(o => Spec(o)["parametersRefs"] = JsonNode.Parse("""[{"namespace":"default"}]""")));

        Assert.Equal(
            ["spec.parametersRefs[0].group: Required value", "spec.parametersRefs[0].kind: Required value", "spec.parametersRefs[0].name: Required value"],
            Errors(errors));
    }

    [Fact]
    public void Parameters_ref_namespace_must_be_a_dns_label()
    {
        var errors = _strategy.Validate(ValidPodNetwork(o => Spec(o)["parametersRefs"]![0]!["namespace"] = "Bad_NS"));

        var error = Assert.Single(errors);
        Assert.Equal("spec.parametersRefs[0].namespace", error.Field);
        Assert.StartsWith("spec.parametersRefs[0].namespace: Invalid value: \"Bad_NS\": a lowercase RFC 1123 label", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Enabled_that_is_not_a_boolean_is_invalid()
    {
        var errors = _strategy.Validate(ValidPodNetwork(o => Spec(o)["enabled"] = "yes"));

        Assert.Equal(["spec.enabled: Invalid value: \"yes\": must be a boolean"], Errors(errors));
    }

    [Fact]
    public void Update_may_change_enabled()
    {
        Assert.Empty(_strategy.ValidateUpdate(ValidPodNetwork(o => Spec(o)["enabled"] = false), ValidPodNetwork()));
    }

    [Fact]
    public void Update_of_provider_is_immutable()
    {
        var errors = _strategy.ValidateUpdate(ValidPodNetwork(o => Spec(o)["provider"] = "acme.io/other"), ValidPodNetwork());

        Assert.Equal(["spec.provider: Invalid value: \"acme.io/other\": field is immutable"], Errors(errors));
    }

    [Fact]
    public void Update_of_parameters_refs_is_immutable()
    {
        var errors = _strategy.ValidateUpdate(ValidPodNetwork(o => Spec(o)["parametersRefs"]![0]!["name"] = "other"), ValidPodNetwork());

        var error = Assert.Single(errors);
        Assert.Equal("spec.parametersRefs", error.Field);
        Assert.EndsWith(": field is immutable", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Absent_and_empty_parameters_refs_and_namespaces_are_semantically_equal()
    {
        var withoutRefs = ValidPodNetwork(o => Spec(o).Remove("parametersRefs"));
        var emptyRefs = ValidPodNetwork(o => Spec(o)["parametersRefs"] = new JsonArray());
        var emptyNamespace = ValidPodNetwork(o => Spec(o)["parametersRefs"]![0]!["namespace"] = "");
        var noNamespace = ValidPodNetwork(o => Spec(o)["parametersRefs"]![0]!.AsObject().Remove("namespace"));

        Assert.Empty(_strategy.ValidateUpdate(emptyRefs, withoutRefs));
        Assert.Empty(_strategy.ValidateUpdate(noNamespace, emptyNamespace));
    }
}
