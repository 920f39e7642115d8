using System.Text.Json.Nodes;
using FakeApiServer.Apis.Networking.PodNetworkAttachments;
using FakeApiServer.Apis.Networking.PodNetworks;

namespace FakeApiServer.Tests.Apis.Networking;

public sealed class NetworkingTableTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Pod_network_columns_are_name_enabled_provider_ready_age_and_wide_parameters()
    {
        var table = new PodNetworkTable();

        Assert.Equal(["Name", "Enabled", "Provider", "Ready", "Age", "Parameters"], table.Columns.Select(c => c.Name));
        Assert.Equal([0, 0, 0, 0, 0, 1], table.Columns.Select(c => c.Priority));
        Assert.Equal("boolean", table.Columns[1].Type);
    }

    [Fact]
    public void Pod_network_row_shows_enabled_provider_ready_and_parameters()
    {
        var obj = JsonNode.Parse("""
            {"metadata":{"name":"dataplane","creationTimestamp":"2024-06-01T11:00:00Z"},
             "spec":{"enabled":false,"provider":"k8s.cni.cncf.io/multus","parametersRefs":[
               {"group":"k8s.cni.cncf.io/v1","kind":"NetworkAttachmentDefinition","namespace":"default","name":"macvlan-nad"},
               {"group":"example.com","kind":"Params","name":"p2"}]},
             "status":{"conditions":[{"type":"ParamsReady","status":"True"},{"type":"Ready","status":"False"}]}}
            """)!.AsObject();

        Assert.Equal(
            ["dataplane", false, "k8s.cni.cncf.io/multus", "False", "60m", "NetworkAttachmentDefinition/default/macvlan-nad,Params/p2"],
            new PodNetworkTable().Cells(obj, Now));
    }

    [Fact]
    public void Pod_network_without_provider_parameters_or_status_shows_none_and_unknown()
    {
        var obj = JsonNode.Parse("""{"metadata":{"name":"kubernetes","creationTimestamp":"2024-06-01T11:59:00Z"},"spec":{"enabled":true}}""")!.AsObject();

        Assert.Equal(["kubernetes", true, "<none>", "Unknown", "60s", "<none>"], new PodNetworkTable().Cells(obj, Now));
    }

    [Fact]
    public void Attachment_row_shows_its_pod_network_ready_and_parameters()
    {
        var table = new PodNetworkAttachmentTable();
        var obj = JsonNode.Parse("""
            {"metadata":{"name":"fast","namespace":"default","creationTimestamp":"2024-06-01T11:00:00Z"},
             "spec":{"podNetworkName":"dataplane","parametersRefs":[{"group":"example.com","kind":"PodParams","namespace":"default","name":"a"}]},
             "status":{"conditions":[{"type":"Ready","status":"True"}]}}
            """)!.AsObject();

        Assert.Equal(["Name", "PodNetwork", "Ready", "Age", "Parameters"], table.Columns.Select(c => c.Name));
        Assert.Equal([0, 0, 0, 0, 1], table.Columns.Select(c => c.Priority));
        Assert.Equal(["fast", "dataplane", "True", "60m", "PodParams/default/a"], table.Cells(obj, Now));
    }
}
