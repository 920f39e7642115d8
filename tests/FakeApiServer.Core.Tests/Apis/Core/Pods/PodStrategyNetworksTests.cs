using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.Pods;
using FakeApiServer.Features;
using FakeApiServer.Registry;

namespace FakeApiServer.Tests.Apis.Core.Pods;

/// <summary>KEP-3698 in the pod strategies: spec.networks static validation and gating, status.podIPs rules.</summary>
public sealed class PodStrategyNetworksTests
{
    private static readonly FeatureGates On = FeatureGates.Parse("MultiNetwork=true");

    private readonly PodStrategy _on = new(On);
    private readonly PodStrategy _off = new(FeatureGates.Default);

    /// <summary>The example pod 03-pod-ubuntu.yaml with the default network the admission plugin appends.</summary>
    private static JsonObject ValidPod(Action<JsonObject>? tweak = null)
    {
        var obj = JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"ubuntu","namespace":"default"},
             "spec":{"containers":[{"name":"ubuntu","image":"ubuntu"}],
               "networks":[{"podNetworkName":"dataplane","interfaceName":"net1"},
                           {"podNetworkName":"kubernetes","interfaceName":"eth0","isDefaultGW4":true,"isDefaultGW6":true}]}}
            """)!.AsObject();
        tweak?.Invoke(obj);
        return obj;
    }

    private static JsonArray Networks(JsonObject pod) => pod["spec"]!["networks"]!.AsArray();

    private static string[] Errors(IEnumerable<FieldError> errors) => [.. errors.Select(e => e.ToString())];

    [Fact]
    public void Valid_pod_with_networks_has_no_errors()
    {
        Assert.Empty(_on.Validate(ValidPod()));
    }

    [Fact]
    public void Gate_off_drops_networks_from_a_new_pod()
    {
        var pod = ValidPod();

        _off.PrepareForCreate(pod);

        Assert.Null(pod["spec"]!["networks"]);
    }

    [Fact]
    public void Gate_on_keeps_networks_on_a_new_pod()
    {
        var pod = ValidPod();

        _on.PrepareForCreate(pod);

        Assert.Equal(2, Networks(pod).Count);
    }

    [Fact]
    public void Gate_off_keeps_networks_on_update_when_the_stored_pod_has_them()
    {
        var old = ValidPod();
        var update = ValidPod();

        _off.PrepareForUpdate(update, old);

        Assert.Equal(2, Networks(update).Count);
        Assert.Empty(_off.ValidateUpdate(update, old));
    }

    [Fact]
    public void Gate_off_drops_networks_added_on_update()
    {
        var old = ValidPod(p => p["spec"]!.AsObject().Remove("networks"));
        var update = ValidPod();

        _off.PrepareForUpdate(update, old);

        Assert.Null(update["spec"]!["networks"]);
    }

    [Fact]
    public void Networks_are_immutable_on_update()
    {
        var errors = _on.ValidateUpdate(ValidPod(p => Networks(p)[0]!["interfaceName"] = "net9"), ValidPod());

        Assert.Equal("spec", Assert.Single(errors).Field);
        Assert.Equal(FieldErrorType.Forbidden, errors[0].Type);
    }

    [Fact]
    public void Entry_without_a_network_name_is_required()
    {
        var errors = _on.Validate(ValidPod(p => Networks(p).Add(new JsonObject { ["interfaceName"] = "net2" })));

        Assert.Equal(["spec.networks[2]: Required value: must specify exactly one of podNetworkName or podNetworkAttachmentName"], Errors(errors));
    }

    [Fact]
    public void Entry_with_both_names_is_forbidden()
    {
        var errors = _on.Validate(ValidPod(p => Networks(p)[0]!["podNetworkAttachmentName"] = "fast"));

        Assert.Equal(["spec.networks[0].podNetworkAttachmentName: Forbidden: must specify exactly one of podNetworkName or podNetworkAttachmentName"], Errors(errors));
    }

    [Theory]
    [InlineData("averyverylongname")]
    [InlineData("net/1")]
    [InlineData("net 1")]
    [InlineData(".")]
    [InlineData("..")]
    public void Invalid_interface_name_is_refused(string name)
    {
        var errors = _on.Validate(ValidPod(p => Networks(p)[0]!["interfaceName"] = name));

        Assert.Equal([$"spec.networks[0].interfaceName: Invalid value: \"{name}\": must be a valid interface name: 1-15 characters, no '/' or whitespace, not '.' or '..'"], Errors(errors));
    }

    [Fact]
    public void Fifteen_character_interface_name_is_valid()
    {
        Assert.Empty(_on.Validate(ValidPod(p => Networks(p)[0]!["interfaceName"] = "abcdefghijklmno")));
    }

    [Fact]
    public void Interface_name_used_twice_is_a_duplicate()
    {
        var errors = _on.Validate(ValidPod(p => Networks(p)[0]!["interfaceName"] = "eth0"));

        Assert.Equal(["spec.networks[1].interfaceName: Duplicate value: \"eth0\""], Errors(errors));
    }

    [Fact]
    public void Network_referenced_twice_is_a_duplicate()
    {
        var errors = _on.Validate(ValidPod(p => Networks(p).Add(new JsonObject { ["podNetworkName"] = "dataplane", ["interfaceName"] = "net2" })));

        Assert.Equal(["spec.networks[2].podNetworkName: Duplicate value: \"dataplane\""], Errors(errors));
    }

    [Fact]
    public void Attachment_referenced_twice_is_a_duplicate()
    {
        var errors = _on.Validate(ValidPod(p =>
        {
            Networks(p).Add(new JsonObject { ["podNetworkAttachmentName"] = "fast", ["interfaceName"] = "net2" });
            Networks(p).Add(new JsonObject { ["podNetworkAttachmentName"] = "fast", ["interfaceName"] = "net3" });
        }));

        Assert.Equal(["spec.networks[3].podNetworkAttachmentName: Duplicate value: \"fast\""], Errors(errors));
    }

    [Fact]
    public void Gate_on_allows_any_number_of_labelled_pod_ips()
    {
        var pod = WithPodIps("""
            [{"ip":"10.244.1.5","podNetwork":"kubernetes","interfaceName":"eth0"},{"ip":"fd00::5","podNetwork":"kubernetes","interfaceName":"eth0"},
             {"ip":"169.254.100.2","podNetwork":"dataplane","interfaceName":"net1"},{"ip":"169.254.100.3","podNetwork":"dataplane","interfaceName":"net1"},
             {"ip":"10.1.1.1","podNetwork":""}]
            """);

        Assert.Empty(PodNetworksValidation.ValidatePodIPs(pod, multiNetwork: true));
    }

    [Fact]
    public void Gate_on_refuses_a_label_naming_a_network_the_pod_does_not_use()
    {
        var pod = WithPodIps("""[{"ip":"10.244.1.5","podNetwork":"other"}]""");

        var error = Assert.Single(PodNetworksValidation.ValidatePodIPs(pod, multiNetwork: true));

        Assert.Equal("status.podIPs: Invalid value: [{\"ip\":\"10.244.1.5\",\"podNetwork\":\"other\"}]: PodNetworkName must be existing in Spec.networks", error.ToString());
    }

    [Fact]
    public void Gate_on_accepts_a_label_naming_an_attachment_of_the_pod()
    {
        var pod = WithPodIps("""[{"ip":"10.244.1.5","podNetwork":"fast"}]""");
        Networks(pod).Add(new JsonObject { ["podNetworkAttachmentName"] = "fast" });

        Assert.Empty(PodNetworksValidation.ValidatePodIPs(pod, multiNetwork: true));
    }

    [Fact]
    public void Invalid_ip_is_refused_with_the_gate_on_or_off()
    {
        var pod = WithPodIps("""[{"ip":"10.244.1"}]""");

        Assert.Equal(["status.podIPs[0]: Invalid value: \"10.244.1\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"],
            Errors(PodNetworksValidation.ValidatePodIPs(pod, multiNetwork: true)));
        Assert.Single(PodNetworksValidation.ValidatePodIPs(pod, multiNetwork: false));
    }

    [Fact]
    public void Gate_off_allows_one_ip_per_family()
    {
        Assert.Empty(PodNetworksValidation.ValidatePodIPs(WithPodIps("""[{"ip":"10.244.1.5"},{"ip":"fd00::5"}]"""), multiNetwork: false));
    }

    [Fact]
    public void Gate_off_refuses_two_ips_of_one_family_and_duplicates()
    {
        var errors = PodNetworksValidation.ValidatePodIPs(WithPodIps("""[{"ip":"10.244.1.5"},{"ip":"10.244.1.5"}]"""), multiNetwork: false);

        Assert.Equal(
            ["status.podIPs: Invalid value: [{\"ip\":\"10.244.1.5\"},{\"ip\":\"10.244.1.5\"}]: may specify no more than one IP for each IP family",
             "status.podIPs[1]: Duplicate value: {\"ip\":\"10.244.1.5\"}"],
            Errors(errors));
    }

    [Fact]
    public void Status_update_with_the_gate_on_writes_pod_network_on_every_entry()
    {
        var old = ValidPod();
        var update = WithPodIps("""[{"ip":"10.244.1.5","podNetwork":"kubernetes","interfaceName":"eth0"},{"ip":"10.1.1.1"}]""");

        new PodStatusStrategy(_on).PrepareForUpdate(update, old);

        Assert.Equal("""[{"ip":"10.244.1.5","podNetwork":"kubernetes","interfaceName":"eth0"},{"ip":"10.1.1.1","podNetwork":""}]""",
            update["status"]!["podIPs"]!.ToJsonString());
    }

    [Fact]
    public void Status_update_with_the_gate_off_drops_new_labels()
    {
        var old = ValidPod();
        var update = WithPodIps("""[{"ip":"10.244.1.5","podNetwork":"kubernetes","interfaceName":"eth0"}]""");

        new PodStatusStrategy(_off).PrepareForUpdate(update, old);

        Assert.Equal("""[{"ip":"10.244.1.5"}]""", update["status"]!["podIPs"]!.ToJsonString());
    }

    private static JsonObject WithPodIps(string podIps) => ValidPod(p => p["status"] = new JsonObject { ["podIPs"] = JsonNode.Parse(podIps) });
}
