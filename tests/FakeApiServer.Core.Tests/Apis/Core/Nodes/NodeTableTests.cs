using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.Nodes;

namespace FakeApiServer.Tests.Apis.Core.Nodes;

public sealed class NodeTableTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly NodeTable _table = new();

    [Fact]
    public void Columns_match_upstream_node_columns()
    {
        Assert.Equal(
            ["Name", "Status", "Roles", "Age", "Version", "Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"],
            _table.Columns.Select(c => c.Name));
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], _table.Columns.Select(c => c.Priority));
    }

    [Fact]
    public void Ready_control_plane_node_shows_roles_version_and_wide_details()
    {
        var node = Parse("""
            {"metadata":{"name":"cp-1","creationTimestamp":"2024-05-01T12:00:00Z",
               "labels":{"node-role.kubernetes.io/control-plane":"","kubernetes.io/hostname":"cp-1"}},
             "status":{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}],
               "addresses":[{"type":"Hostname","address":"cp-1"},{"type":"InternalIP","address":"172.18.0.2"}],
               "nodeInfo":{"kubeletVersion":"v1.33.1","osImage":"Debian GNU/Linux 12 (bookworm)","kernelVersion":"6.8.0-1",
                 "containerRuntimeVersion":"containerd://2.0.5"}}}
            """);

        Assert.Equal(
            ["cp-1", "Ready", "control-plane", "31d", "v1.33.1", "172.18.0.2", "<none>", "Debian GNU/Linux 12 (bookworm)", "6.8.0-1", "containerd://2.0.5"],
            _table.Cells(node, Now));
    }

    [Fact]
    public void Roles_are_sorted_and_include_the_legacy_role_label()
    {
        var node = Parse("""
            {"metadata":{"name":"n","labels":{"node-role.kubernetes.io/worker":"","node-role.kubernetes.io/control-plane":"",
               "node-role.kubernetes.io/":"","kubernetes.io/role":"master"}}}
            """);

        Assert.Equal("control-plane,master,worker", _table.Cells(node, Now)[2]);
    }

    [Fact]
    public void Cordoned_node_that_is_not_ready_shows_both()
    {
        var node = Parse("""{"metadata":{"name":"n"},"spec":{"unschedulable":true},"status":{"conditions":[{"type":"Ready","status":"Unknown"}]}}""");

        Assert.Equal("NotReady,SchedulingDisabled", _table.Cells(node, Now)[1]);
    }

    [Fact]
    public void Node_without_status_shows_unknown_and_placeholders()
    {
        var node = Parse("""{"metadata":{"name":"bare"}}""");

        Assert.Equal(["bare", "Unknown", "<none>", "<unknown>", "", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"], _table.Cells(node, Now));
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
