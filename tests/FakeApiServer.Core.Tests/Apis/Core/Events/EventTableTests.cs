using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.Events;

namespace FakeApiServer.Tests.Apis.Core.Events;

public sealed class EventTableTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly EventTable _table = new();

    [Fact]
    public void Columns_follow_upstream_order_with_wide_columns_interleaved()
    {
        Assert.Equal(
            ["Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name"],
            _table.Columns.Select(c => c.Name));
        Assert.Equal([0, 0, 0, 0, 1, 1, 0, 1, 1, 1], _table.Columns.Select(c => c.Priority));
        Assert.Equal("name", _table.Columns[9].Format);
    }

    [Fact]
    public void Repeated_event_shows_last_seen_object_source_and_count()
    {
        var ev = Parse("""
            {"metadata":{"name":"web-1.17d3a","namespace":"default","creationTimestamp":"2024-06-01T10:00:00Z"},
             "involvedObject":{"kind":"Pod","namespace":"default","name":"web-1","fieldPath":"spec.containers{app}"},
             "reason":"BackOff","message":"  Back-off restarting failed container app\n","type":"Warning",
             "source":{"component":"kubelet","host":"node-a"},
             "firstTimestamp":"2024-06-01T10:00:00Z","lastTimestamp":"2024-06-01T11:55:00Z","count":3}
            """);

        Assert.Equal(
            ["5m", "Warning", "BackOff", "pod/web-1", "spec.containers{app}", "kubelet, node-a", "Back-off restarting failed container app", "120m", 3L, "web-1.17d3a"],
            _table.Cells(ev, Now));
    }

    [Fact]
    public void New_api_event_uses_event_time_series_and_reporting_controller()
    {
        var ev = Parse("""
            {"metadata":{"name":"e"},"involvedObject":{"kind":"Deployment","name":"web"},
             "reason":"ScalingReplicaSet","message":"Scaled up","type":"Normal",
             "eventTime":"2024-06-01T11:00:00.000000Z","reportingComponent":"deployment-controller","reportingInstance":"cp-1",
             "series":{"count":7,"lastObservedTime":"2024-06-01T11:59:00.500000Z"}}
            """);

        Assert.Equal(
            ["59s", "Normal", "ScalingReplicaSet", "deployment/web", "", "deployment-controller, cp-1", "Scaled up", "60m", 7L, "e"],
            _table.Cells(ev, Now));
    }

    [Fact]
    public void Singleton_event_without_count_counts_one_and_without_host_shows_component_only()
    {
        var ev = Parse("""
            {"metadata":{"name":"e"},"involvedObject":{"kind":"Node"},"type":"Normal","reason":"Starting",
             "source":{"component":"kube-proxy"},"firstTimestamp":"2024-06-01T11:30:00Z"}
            """);

        Assert.Equal(["30m", "Normal", "Starting", "node", "", "kube-proxy", "", "30m", 1L, "e"], _table.Cells(ev, Now));
    }

    [Fact]
    public void Event_without_any_timestamp_shows_unknown()
    {
        var ev = Parse("""{"metadata":{"name":"e"},"involvedObject":{"kind":"Pod","name":"p"}}""");

        Assert.Equal("<unknown>", _table.Cells(ev, Now)[0]);
        Assert.Equal("<unknown>", _table.Cells(ev, Now)[7]);
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
