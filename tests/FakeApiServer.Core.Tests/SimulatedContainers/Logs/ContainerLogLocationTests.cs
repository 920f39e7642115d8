using System.Text.Json.Nodes;
using FakeApiServer.Api;
using FakeApiServer.SimulatedContainers.Logs;

namespace FakeApiServer.Tests.SimulatedContainers.Logs;

public sealed class ContainerLogLocationTests
{
    [Fact]
    public void Without_a_container_name_a_pod_of_several_lists_its_init_regular_and_ephemeral_containers()
    {
        var pod = Pod("""{"initContainers":[{"name":"init"}],"containers":[{"name":"a"},{"name":"b"}],"ephemeralContainers":[{"name":"dbg"}]}""", "{}");

        Assert.Equal("a container name must be specified for pod web, choose one of: [init a b dbg]", Refusal(() => ContainerLogLocation.Container(pod, null)));
        Assert.Equal("container zz is not valid for pod web", Refusal(() => ContainerLogLocation.Container(pod, "zz")));
        Assert.Equal("dbg", ContainerLogLocation.Container(pod, "dbg"));
        Assert.Equal("only", ContainerLogLocation.Container(Pod("""{"containers":[{"name":"only"}]}""", "{}"), null));
    }

    [Theory]
    [InlineData("""{"state":{"waiting":{"reason":"ContainerCreating"}}}""", false, "container \"main\" in pod \"web\" is waiting to start: ContainerCreating")]
    [InlineData("""{"state":{"waiting":{"reason":"PodInitializing"}}}""", false, "container \"main\" in pod \"web\" is waiting to start: PodInitializing")]
    [InlineData("""{"state":{"waiting":{"reason":"ImagePullBackOff"}}}""", false, "container \"main\" in pod \"web\" is waiting to start: trying and failing to pull image")]
    [InlineData("""{"state":{}}""", false, "container \"main\" in pod \"web\" is waiting to start - no logs yet")]
    [InlineData("""{"state":{"running":{}},"containerID":"c1"}""", true, "previous terminated container \"main\" in pod \"web\" not found")]
    [InlineData("""{"state":{"terminated":{"exitCode":1}}}""", false, "container \"main\" in pod \"web\" is terminated")]
    public void The_kubelets_refusals_name_the_container_and_pod(string status, bool previous, string message)
    {
        var pod = Pod("""{"containers":[{"name":"main"}]}""", $$"""{"containerStatuses":[{{Named(status)}}]}""");

        Assert.Equal(message, Refusal(() => ContainerLogLocation.ContainerId(pod, "main", previous)));
    }

    [Fact]
    public void A_container_without_a_status_is_not_available()
    {
        var pod = Pod("""{"containers":[{"name":"main"}]}""", "{}");

        Assert.Equal("container \"main\" in pod \"web\" is not available", Refusal(() => ContainerLogLocation.ContainerId(pod, "main", false)));
    }

    [Theory]
    [InlineData("""{"state":{"running":{}},"containerID":"c2","lastState":{"terminated":{"containerID":"c1"}}}""", false, "c2")]
    [InlineData("""{"state":{"running":{}},"containerID":"c2","lastState":{"terminated":{"containerID":"c1"}}}""", true, "c1")]
    [InlineData("""{"state":{"waiting":{"reason":"CrashLoopBackOff"}},"lastState":{"terminated":{"containerID":"c1"}}}""", false, "c1")]
    [InlineData("""{"state":{"terminated":{"containerID":"c3"}},"lastState":{"terminated":{"containerID":"c1"}}}""", false, "c3")]
    public void The_run_read_is_the_one_the_kubelet_picks(string status, bool previous, string id)
    {
        var pod = Pod("""{"containers":[{"name":"main"}]}""", $$"""{"containerStatuses":[{{Named(status)}}]}""");

        Assert.Equal(id, ContainerLogLocation.ContainerId(pod, "main", previous));
    }

    private static string Named(string status) => """{"name":"main",""" + status[1..];

    private static string Refusal(Action action)
    {
        var e = Assert.Throws<ApiException>(action);
        Assert.Equal(400, e.Code);
        return e.Message;
    }

    private static JsonObject Pod(string spec, string status) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "default", ["uid"] = "u1" },
        ["spec"] = JsonNode.Parse(spec),
        ["status"] = JsonNode.Parse(status),
    };
}
