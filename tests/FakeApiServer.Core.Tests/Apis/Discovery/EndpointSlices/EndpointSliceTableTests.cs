using System.Text.Json.Nodes;
using FakeApiServer.Apis.Discovery.EndpointSlices;

namespace FakeApiServer.Tests.Apis.Discovery.EndpointSlices;

public sealed class EndpointSliceTableTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly EndpointSliceTable _table = new();

    [Fact]
    public void Slice_lists_ports_and_summarises_addresses()
    {
        var slice = Parse("""
            {"metadata":{"name":"web-abc12","creationTimestamp":"2024-06-01T11:00:00Z"},"addressType":"IPv4",
             "ports":[{"name":"http","port":80,"protocol":"TCP"},{"name":"https","port":443,"protocol":"TCP"}],
             "endpoints":[{"addresses":["10.0.0.1"]},{"addresses":["10.0.0.2","10.0.0.3"]},{"addresses":["10.0.0.4"]}]}
            """);

        Assert.Equal(["Name", "AddressType", "Ports", "Endpoints", "Age"], _table.Columns.Select(c => c.Name));
        Assert.Equal(["web-abc12", "IPv4", "80,443", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...", "60m"], _table.Cells(slice, Now));
    }

    [Fact]
    public void Port_without_number_shows_its_name_or_a_star()
    {
        var slice = Parse("""
            {"metadata":{"name":"s"},"addressType":"IPv6","ports":[{"name":"dns"},{},{"port":53},{"port":54}],"endpoints":[{"addresses":["fd00::1"]}]}
            """);

        Assert.Equal(["s", "IPv6", "dns,*,53 + 1 more...", "fd00::1"], _table.Cells(slice, Now).Take(4));
    }

    [Fact]
    public void Empty_slice_prints_unset()
    {
        var slice = Parse("""{"metadata":{"name":"s"},"addressType":"IPv4","endpoints":[]}""");

        Assert.Equal(["s", "IPv4", "<unset>", "<unset>", "<unknown>"], _table.Cells(slice, Now));
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
