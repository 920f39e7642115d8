using System.Text.Json.Nodes;
using FakeApiServer.Controllers.Nodes;
using FakeApiServer.Controllers.Scheduling;

namespace FakeApiServer.Tests.Controllers.Scheduling;

public sealed class NodeFiltersTests
{
    private static readonly JsonObject Worker = SimulatedNodes.Build(1, 2, DateTimeOffset.UnixEpoch);

    private static readonly JsonObject ControlPlane = SimulatedNodes.Build(0, 2, DateTimeOffset.UnixEpoch);

    private static JsonObject Pod(string spec = "{}")
    {
        var podSpec = JsonNode.Parse(spec)!.AsObject();
        podSpec["containers"] ??= JsonNode.Parse("""[{"name":"main","image":"busybox"}]""");
        return new JsonObject { ["metadata"] = new JsonObject { ["name"] = "p", ["namespace"] = "default" }, ["spec"] = podSpec };
    }

    [Fact]
    public void A_plain_pod_fits_the_worker_but_not_the_tainted_control_plane()
    {
        Assert.Empty(NodeFilters.Filter(Pod(), Worker, []));
        Assert.Equal(["node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"], NodeFilters.Filter(Pod(), ControlPlane, []));
    }

    [Theory]
    [InlineData("""[{"operator":"Exists"}]""")]
    [InlineData("""[{"key":"node-role.kubernetes.io/control-plane","operator":"Exists"}]""")]
    [InlineData("""[{"key":"node-role.kubernetes.io/control-plane","operator":"Exists","effect":"NoSchedule"}]""")]
    [InlineData("""[{"key":"node-role.kubernetes.io/control-plane","operator":"Equal","value":""}]""")]
    public void Tolerations_that_match_the_taint_let_a_pod_onto_the_control_plane(string tolerations) =>
        Assert.Empty(NodeFilters.Filter(Pod($$"""{"tolerations":{{tolerations}}}"""), ControlPlane, []));

    [Theory]
    [InlineData("""[{"key":"node-role.kubernetes.io/control-plane","operator":"Exists","effect":"NoExecute"}]""")]
    [InlineData("""[{"key":"other","operator":"Exists"}]""")]
    [InlineData("""[{"key":"node-role.kubernetes.io/control-plane","operator":"Equal","value":"x"}]""")]
    public void Tolerations_that_do_not_match_leave_the_taint(string tolerations) =>
        Assert.Single(NodeFilters.Filter(Pod($$"""{"tolerations":{{tolerations}}}"""), ControlPlane, []));

    [Fact]
    public void Resources_count_what_the_nodes_pods_request_and_the_pod_limit()
    {
        var big = Pod("""{"containers":[{"name":"a","image":"x","resources":{"requests":{"cpu":"5"},"limits":{"memory":"10Gi"}}}]}""");
        var full = Enumerable.Range(0, 110).Select(_ => Pod()).ToList();

        Assert.Empty(NodeFilters.Filter(big, Worker, []));
        Assert.Equal(["Insufficient cpu", "Insufficient memory"], NodeFilters.Filter(big, Worker, [big]));
        Assert.Equal(["Too many pods"], NodeFilters.Filter(Pod(), Worker, full));
    }

    [Fact]
    public void Init_containers_request_their_maximum_and_overhead_adds()
    {
        var pod = Pod("""
            {"containers":[{"name":"a","image":"x","resources":{"requests":{"cpu":"1"}}},{"name":"b","image":"x","resources":{"requests":{"cpu":"500m"}}}],
             "initContainers":[{"name":"i","image":"x","resources":{"requests":{"cpu":"2"}}}],
             "overhead":{"cpu":"250m"}}
            """);

        Assert.Equal(2.25m, PodResources.Requests(pod)["cpu"]);
    }

    [Fact]
    public void The_fit_error_counts_and_sorts_reasons_as_upstream()
    {
        var message = NodeFilters.FitError(3, null, ["node(s) had untolerated taint {a: }", "Insufficient cpu", "Insufficient cpu"]);

        Assert.Equal("0/3 nodes are available: 1 node(s) had untolerated taint {a: }, 2 Insufficient cpu.", message);
        Assert.Equal("0/2 nodes are available: PodNetworks referred in the pod must exist.",
            NodeFilters.FitError(2, PodNetworkPrefilter.MustExistMessage, ["ignored"]));
    }

    [Fact]
    public void The_prefilter_resolves_attachments_and_checks_existence_then_enablement()
    {
        var networks = new Dictionary<string, JsonObject>
        {
            ["on"] = JsonNode.Parse("""{"metadata":{"name":"on"},"spec":{"enabled":true}}""")!.AsObject(),
            ["off"] = JsonNode.Parse("""{"metadata":{"name":"off"},"spec":{"enabled":false}}""")!.AsObject(),
            ["going"] = JsonNode.Parse("""{"metadata":{"name":"going","deletionTimestamp":"2025-01-01T00:00:00Z"},"spec":{}}""")!.AsObject(),
        };
        var attachments = new Dictionary<(string, string), JsonObject>
        {
            [("default", "to-off")] = JsonNode.Parse("""{"metadata":{"name":"to-off"},"spec":{"podNetworkName":"off"}}""")!.AsObject(),
        };
        string? Check(string entries) => PodNetworkPrefilter.Check(Pod($$"""{"networks":{{entries}}}"""),
            n => networks.GetValueOrDefault(n), (ns, n) => attachments.GetValueOrDefault((ns, n)));

        Assert.Null(Check("""[{"podNetworkName":"on"}]"""));
        Assert.Equal(PodNetworkPrefilter.MustExistMessage, Check("""[{"podNetworkName":"missing"}]"""));
        Assert.Equal(PodNetworkPrefilter.MustExistMessage, Check("""[{"podNetworkName":"going"}]"""));
        Assert.Equal(PodNetworkPrefilter.MustBeEnabledMessage, Check("""[{"podNetworkName":"off"}]"""));
        Assert.Equal(PodNetworkPrefilter.MustBeEnabledMessage, Check("""[{"podNetworkAttachmentName":"to-off"}]"""));
        Assert.Equal(PodNetworkPrefilter.MustExistMessage, Check("""[{"podNetworkAttachmentName":"nope"}]"""));
    }
}
