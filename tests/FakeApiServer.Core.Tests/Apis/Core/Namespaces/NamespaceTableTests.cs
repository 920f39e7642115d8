using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.Namespaces;

namespace FakeApiServer.Tests.Apis.Core.Namespaces;

public sealed class NamespaceTableTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly NamespaceTable _table = new();

    [Fact]
    public void Active_namespace_shows_phase_and_age()
    {
        var ns = JsonNode.Parse("""{"metadata":{"name":"team-a","creationTimestamp":"2024-06-01T11:58:30Z"},"status":{"phase":"Active"}}""")!.AsObject();

        Assert.Equal(["Name", "Status", "Age"], _table.Columns.Select(c => c.Name));
        Assert.Equal(["team-a", "Active", "90s"], _table.Cells(ns, Now));
    }

    [Fact]
    public void Terminating_namespace_shows_terminating()
    {
        var ns = JsonNode.Parse("""{"metadata":{"name":"old"},"status":{"phase":"Terminating"}}""")!.AsObject();

        Assert.Equal("Terminating", _table.Cells(ns, Now)[1]);
    }
}
