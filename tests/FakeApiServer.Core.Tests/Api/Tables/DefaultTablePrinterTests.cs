using System.Text.Json.Nodes;
using FakeApiServer.Api.Tables;

namespace FakeApiServer.Tests.Api.Tables;

public sealed class DefaultTablePrinterTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly DefaultTablePrinter _table = new();

    [Fact]
    public void Prints_name_and_age()
    {
        var obj = JsonNode.Parse("""{"metadata":{"name":"thing","creationTimestamp":"2024-05-30T09:00:00Z"}}""")!.AsObject();

        Assert.Equal(["Name", "Age"], _table.Columns.Select(c => c.Name));
        Assert.Equal("name", _table.Columns[0].Format);
        Assert.Equal(["thing", "2d3h"], _table.Cells(obj, Now));
    }

    [Fact]
    public void Object_without_metadata_prints_empty_name_and_unknown_age()
    {
        Assert.Equal(["", "<unknown>"], _table.Cells(JsonNode.Parse("{}")!.AsObject(), Now));
    }
}
