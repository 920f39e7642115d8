using System.Text.Json.Nodes;
using FakeApiServer.Apis.Coordination.Leases;

namespace FakeApiServer.Tests.Apis.Coordination.Leases;

public sealed class LeaseTableTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly LeaseTable _table = new();

    [Fact]
    public void Lease_shows_its_holder()
    {
        var lease = JsonNode.Parse("""
            {"metadata":{"name":"kube-scheduler","namespace":"kube-system","creationTimestamp":"2024-05-31T00:00:00Z"},
             "spec":{"holderIdentity":"cp-1_4f2a","leaseDurationSeconds":15}}
            """)!.AsObject();

        Assert.Equal(["Name", "Holder", "Age"], _table.Columns.Select(c => c.Name));
        Assert.Equal(["kube-scheduler", "cp-1_4f2a", "36h"], _table.Cells(lease, Now));
    }

    [Fact]
    public void Lease_without_holder_shows_empty_holder()
    {
        Assert.Equal("", _table.Cells(JsonNode.Parse("""{"metadata":{"name":"free"},"spec":{}}""")!.AsObject(), Now)[1]);
    }
}
