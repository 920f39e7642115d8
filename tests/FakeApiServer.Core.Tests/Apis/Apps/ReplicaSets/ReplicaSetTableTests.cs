using System.Text.Json.Nodes;
using FakeApiServer.Apis.Apps.ReplicaSets;

namespace FakeApiServer.Tests.Apis.Apps.ReplicaSets;

public sealed class ReplicaSetTableTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ReplicaSetTable _table = new();

    [Fact]
    public void Columns_match_upstream_replica_set_columns()
    {
        Assert.Equal(["Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector"], _table.Columns.Select(c => c.Name));
        Assert.Equal(["string", "integer", "integer", "integer", "string", "string", "string", "string"], _table.Columns.Select(c => c.Type));
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1], _table.Columns.Select(c => c.Priority));
    }

    [Fact]
    public void Replica_set_shows_counts_and_formatted_selector()
    {
        var rs = Parse("""
            {"metadata":{"name":"web-5d4f8","creationTimestamp":"2024-06-01T11:52:30Z"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"pod-template-hash":"5d4f8","app":"web"}},
               "template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}},
             "status":{"replicas":3,"readyReplicas":2}}
            """);

        Assert.Equal(["web-5d4f8", 3L, 3L, 2L, "7m30s", "web", "nginx:1.27", "app=web,pod-template-hash=5d4f8"], _table.Cells(rs, Now));
    }

    [Fact]
    public void Scaled_down_replica_set_with_empty_selector_prints_zeroes_and_none()
    {
        var rs = Parse("""{"metadata":{"name":"old"},"spec":{"replicas":0,"selector":{}},"status":{"replicas":0}}""");

        Assert.Equal(["old", 0L, 0L, 0L, "<unknown>", "", "", "<none>"], _table.Cells(rs, Now));
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
