using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.ConfigMaps;

namespace FakeApiServer.Tests.Apis.Core.ConfigMaps;

public sealed class ConfigMapTableTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ConfigMapTable _table = new();

    [Fact]
    public void Data_counts_data_and_binary_data_keys()
    {
        var cm = JsonNode.Parse("""
            {"metadata":{"name":"settings","creationTimestamp":"2024-06-01T11:59:55Z"},
             "data":{"a":"1","b":"2"},"binaryData":{"blob":"AAEC"}}
            """)!.AsObject();

        Assert.Equal(["Name", "Data", "Age"], _table.Columns.Select(c => c.Name));
        Assert.Equal(["settings", 3L, "5s"], _table.Cells(cm, Now));
    }

    [Fact]
    public void Config_map_without_data_counts_zero()
    {
        Assert.Equal(0L, _table.Cells(JsonNode.Parse("""{"metadata":{"name":"empty"}}""")!.AsObject(), Now)[1]);
    }
}
