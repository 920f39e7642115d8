using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.Events;
using FakeApiServer.Apis.Events.Events;

namespace FakeApiServer.Tests.Apis.Events.Events;

public sealed class EventsV1EventTableTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly EventsV1EventTable _table = new();

    [Fact]
    public void Columns_are_the_core_event_columns()
    {
        Assert.Equal(new EventTable().Columns, _table.Columns);
    }

    [Fact]
    public void Fields_map_like_the_conversion_to_core_events()
    {
        var ev = Parse("""
            {"apiVersion":"events.k8s.io/v1","kind":"Event",
             "metadata":{"name":"web-1.17d3a","namespace":"default"},
             "eventTime":"2024-06-01T11:50:00.000000Z","reportingController":"kubelet","reportingInstance":"node-a",
             "action":"Pulling","reason":"Pulling","type":"Normal","note":"Pulling image \"nginx\"",
             "regarding":{"kind":"Pod","name":"web-1","fieldPath":"spec.containers{app}"}}
            """);

        Assert.Equal(
            ["10m", "Normal", "Pulling", "pod/web-1", "spec.containers{app}", "kubelet, node-a", "Pulling image \"nginx\"", "10m", 1L, "web-1.17d3a"],
            _table.Cells(ev, Now));
    }

    [Fact]
    public void Deprecated_fields_fill_source_timestamps_and_count()
    {
        var ev = Parse("""
            {"metadata":{"name":"e"},"reason":"BackOff","type":"Warning","note":"Back-off",
             "regarding":{"kind":"Pod","name":"web-1"},
             "deprecatedSource":{"component":"kubelet","host":"node-b"},
             "deprecatedFirstTimestamp":"2024-06-01T09:00:00Z","deprecatedLastTimestamp":"2024-06-01T11:58:00Z","deprecatedCount":12}
            """);

        Assert.Equal(["2m", "Warning", "BackOff", "pod/web-1", "", "kubelet, node-b", "Back-off", "3h", 12L, "e"], _table.Cells(ev, Now));
    }

    [Fact]
    public void Series_sets_last_seen_and_count()
    {
        var ev = Parse("""
            {"metadata":{"name":"e"},"eventTime":"2024-06-01T11:00:00.000000Z","regarding":{"kind":"Pod","name":"p"},
             "series":{"count":4,"lastObservedTime":"2024-06-01T11:59:30.000000Z"}}
            """);

        var cells = _table.Cells(ev, Now);

        Assert.Equal("30s", cells[0]);
        Assert.Equal("60m", cells[7]);
        Assert.Equal(4L, cells[8]);
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
