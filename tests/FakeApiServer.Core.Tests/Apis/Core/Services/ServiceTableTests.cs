using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.Services;

namespace FakeApiServer.Tests.Apis.Core.Services;

public sealed class ServiceTableTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ServiceTable _table = new();

    [Fact]
    public void Columns_match_upstream_service_columns()
    {
        Assert.Equal(["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"], _table.Columns.Select(c => c.Name));
        Assert.Equal([0, 0, 0, 0, 0, 0, 1], _table.Columns.Select(c => c.Priority));
    }

    [Fact]
    public void Cluster_ip_service_shows_ports_and_selector()
    {
        var service = Parse("""
            {"metadata":{"name":"web","creationTimestamp":"2024-06-01T11:00:00Z"},
             "spec":{"type":"ClusterIP","clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],
               "ports":[{"port":80,"protocol":"TCP","targetPort":8080},{"port":53,"protocol":"UDP"}],
               "selector":{"tier":"front","app":"web"}}}
            """);

        Assert.Equal(["web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP,53/UDP", "60m", "app=web,tier=front"], _table.Cells(service, Now));
    }

    [Fact]
    public void Load_balancer_service_lists_sorted_ingress_addresses_and_node_ports()
    {
        var service = Parse("""
            {"metadata":{"name":"lb","creationTimestamp":"2024-05-31T12:00:00Z"},
             "spec":{"type":"LoadBalancer","clusterIPs":["10.96.1.1"],
               "ports":[{"port":80,"nodePort":30080,"protocol":"TCP"},{"port":443,"nodePort":30443,"protocol":"TCP"}],
               "selector":{"app":"lb"}},
             "status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.20"},{"ip":"203.0.113.10"},{"hostname":"lb.example.com"},{"ip":"203.0.113.10"}]}}}
            """);

        Assert.Equal(
            ["lb", "LoadBalancer", "10.96.1.1", "203.0.113.10,203.0.113.20,lb.example.com", "80:30080/TCP,443:30443/TCP", "24h", "app=lb"],
            _table.Cells(service, Now));
    }

    [Fact]
    public void Load_balancer_without_ingress_is_pending()
    {
        var service = Parse("""{"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","clusterIPs":["10.96.1.1"],"ports":[{"port":80,"nodePort":31000,"protocol":"TCP"}]}}""");

        Assert.Equal("<pending>", _table.Cells(service, Now)[3]);
    }

    [Fact]
    public void Load_balancer_external_ips_follow_ingress_addresses()
    {
        var service = Parse("""
            {"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","externalIPs":["198.51.100.7"]},
             "status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.10"}]}}}
            """);

        Assert.Equal("203.0.113.10,198.51.100.7", _table.Cells(service, Now)[3]);
    }

    [Fact]
    public void Node_port_service_shows_external_ips()
    {
        var service = Parse("""{"metadata":{"name":"np"},"spec":{"type":"NodePort","externalIPs":["198.51.100.7","198.51.100.8"],"ports":[{"port":80,"nodePort":30001,"protocol":"TCP"}]}}""");

        Assert.Equal("198.51.100.7,198.51.100.8", _table.Cells(service, Now)[3]);
    }

    [Fact]
    public void External_name_service_shows_the_external_name()
    {
        var service = Parse("""{"metadata":{"name":"ext"},"spec":{"type":"ExternalName","externalName":"db.example.com"}}""");

        Assert.Equal(["ext", "ExternalName", "<none>", "db.example.com", "<none>", "<unknown>", "<none>"], _table.Cells(service, Now));
    }

    [Fact]
    public void Headless_service_shows_none_as_cluster_ip()
    {
        var service = Parse("""{"metadata":{"name":"h"},"spec":{"clusterIP":"None","clusterIPs":["None"],"ports":[{"port":5432}]}}""");

        Assert.Equal(["h", "ClusterIP", "None", "<none>", "5432/TCP"], _table.Cells(service, Now).Take(5));
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
