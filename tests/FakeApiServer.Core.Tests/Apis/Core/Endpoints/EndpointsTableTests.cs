using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.Endpoints;

namespace FakeApiServer.Tests.Apis.Core.Endpoints;

public sealed class EndpointsTableTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly EndpointsTable _table = new();

    [Fact]
    public void Columns_match_upstream_endpoints_columns()
    {
        Assert.Equal(["Name", "Endpoints", "Age"], _table.Columns.Select(c => c.Name));
    }

    [Fact]
    public void More_than_three_endpoints_are_summarised()
    {
        var endpoints = Parse("""
            {"metadata":{"name":"web","creationTimestamp":"2024-06-01T11:57:00Z"},
             "subsets":[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"},{"ip":"10.0.0.3"},{"ip":"10.0.0.4"}],
                         "ports":[{"port":8080,"protocol":"TCP"}]}]}
            """);

        Assert.Equal(["web", "10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 1 more...", "3m"], _table.Cells(endpoints, Now));
    }

    [Fact]
    public void Each_port_counts_every_address()
    {
        var endpoints = Parse("""
            {"metadata":{"name":"web"},
             "subsets":[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}],"ports":[{"name":"http","port":80},{"name":"https","port":443}]}]}
            """);

        Assert.Equal("10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...", _table.Cells(endpoints, Now)[1]);
    }

    [Fact]
    public void Headless_subset_without_ports_lists_bare_ips_and_ipv6_is_bracketed()
    {
        var endpoints = Parse("""
            {"metadata":{"name":"mixed"},
             "subsets":[{"addresses":[{"ip":"10.0.0.9"}]},{"addresses":[{"ip":"fd00::1"}],"ports":[{"port":53}]}]}
            """);

        Assert.Equal("10.0.0.9,[fd00::1]:53", _table.Cells(endpoints, Now)[1]);
    }

    [Fact]
    public void Endpoints_without_subsets_show_none()
    {
        Assert.Equal("<none>", _table.Cells(Parse("""{"metadata":{"name":"empty"}}"""), Now)[1]);
    }

    [Fact]
    public void Not_ready_addresses_are_not_listed()
    {
        var endpoints = Parse("""
            {"metadata":{"name":"web"},"subsets":[{"notReadyAddresses":[{"ip":"10.0.0.7"}],"ports":[{"port":80}]}]}
            """);

        Assert.Equal("", _table.Cells(endpoints, Now)[1]);
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
