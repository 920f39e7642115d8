using System.Text.Json.Nodes;
using FakeApiServer.Apis.Core.Pods;
using FakeApiServer.Features;

namespace FakeApiServer.Tests.Apis.Core.Pods;

public sealed class PodTableTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly PodTable _table = new();

    [Fact]
    public void Columns_match_upstream_pod_columns()
    {
        Assert.Equal(
            ["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"],
            _table.Columns.Select(c => c.Name));
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1], _table.Columns.Select(c => c.Priority));
        Assert.Equal("name", _table.Columns[0].Format);
        Assert.All(_table.Columns, c => Assert.Equal("string", c.Type));
    }

    [Fact]
    public void Running_pod_with_two_ready_containers_and_three_restarts()
    {
        var pod = Parse("""
            {"metadata":{"name":"web-1","namespace":"default","creationTimestamp":"2024-05-29T09:00:00Z"},
             "spec":{"nodeName":"node-a","containers":[{"name":"app","image":"nginx"},{"name":"sidecar","image":"envoy"}]},
             "status":{"phase":"Running","podIP":"10.0.0.5","podIPs":[{"ip":"10.0.0.5"},{"ip":"fd00::5"}],
               "conditions":[{"type":"Ready","status":"True"}],
               "containerStatuses":[
                 {"name":"app","ready":true,"restartCount":3,"state":{"running":{"startedAt":"2024-06-01T11:55:01Z"}},
                  "lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"2024-06-01T11:55:00Z"}}},
                 {"name":"sidecar","ready":true,"restartCount":0,"state":{"running":{}}}]}}
            """);

        Assert.Equal(["web-1", "2/2", "Running", "3 (5m ago)", "3d3h", "10.0.0.5", "node-a", "<none>", "<none>"], _table.Cells(pod, Now));
    }

    [Fact]
    public void Deleted_running_pod_shows_terminating()
    {
        var pod = Parse("""
            {"metadata":{"name":"web-1","creationTimestamp":"2024-06-01T11:00:00Z","deletionTimestamp":"2024-06-01T11:59:00Z"},
             "spec":{"containers":[{"name":"app"}]},
             "status":{"phase":"Running","containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{}}}]}}
            """);

        Assert.Equal("Terminating", _table.Cells(pod, Now)[2]);
    }

    [Fact]
    public void Deleted_pod_that_already_succeeded_keeps_its_status()
    {
        var pod = Parse("""
            {"metadata":{"name":"job-1","deletionTimestamp":"2024-06-01T11:59:00Z"},
             "spec":{"containers":[{"name":"app"}]},
             "status":{"phase":"Succeeded","containerStatuses":[{"name":"app","restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}}
            """);

        Assert.Equal(["job-1", "0/1", "Completed", "0", "<unknown>"], _table.Cells(pod, Now).Take(5));
    }

    [Fact]
    public void Deleted_pod_on_a_lost_node_shows_unknown()
    {
        var pod = Parse("""
            {"metadata":{"name":"web-1","deletionTimestamp":"2024-06-01T11:59:00Z"},
             "spec":{"containers":[{"name":"app"}]},
             "status":{"phase":"Running","reason":"NodeLost"}}
            """);

        Assert.Equal("Unknown", _table.Cells(pod, Now)[2]);
    }

    [Fact]
    public void Waiting_container_reason_becomes_the_status()
    {
        var pod = Parse("""
            {"metadata":{"name":"crashy"},
             "spec":{"containers":[{"name":"app"}]},
             "status":{"phase":"Running","containerStatuses":[
               {"name":"app","ready":false,"restartCount":4,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}}
            """);

        Assert.Equal(["crashy", "0/1", "CrashLoopBackOff", "4"], _table.Cells(pod, Now).Take(4));
    }

    [Fact]
    public void Terminated_container_without_reason_shows_signal_or_exit_code()
    {
        var signal = Parse("""
            {"metadata":{"name":"p"},"spec":{"containers":[{"name":"app"}]},
             "status":{"phase":"Running","containerStatuses":[{"name":"app","state":{"terminated":{"exitCode":137,"signal":9}}}]}}
            """);
        var exitCode = Parse("""
            {"metadata":{"name":"p"},"spec":{"containers":[{"name":"app"}]},
             "status":{"phase":"Running","containerStatuses":[{"name":"app","state":{"terminated":{"exitCode":2}}}]}}
            """);

        Assert.Equal("Signal:9", _table.Cells(signal, Now)[2]);
        Assert.Equal("ExitCode:2", _table.Cells(exitCode, Now)[2]);
    }

    [Fact]
    public void Pod_running_its_second_init_container_shows_init_progress()
    {
        var pod = Parse("""
            {"metadata":{"name":"p"},
             "spec":{"initContainers":[{"name":"one"},{"name":"two"}],"containers":[{"name":"app"}]},
             "status":{"phase":"Pending",
               "initContainerStatuses":[
                 {"name":"one","restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
                 {"name":"two","restartCount":0,"state":{"running":{}}}],
               "containerStatuses":[{"name":"app","restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}]}}
            """);

        Assert.Equal(["p", "0/1", "Init:1/2", "0"], _table.Cells(pod, Now).Take(4));
    }

    [Fact]
    public void Crashing_init_container_shows_init_reason_and_its_restarts()
    {
        var pod = Parse("""
            {"metadata":{"name":"p"},
             "spec":{"initContainers":[{"name":"migrate"}],"containers":[{"name":"app"}]},
             "status":{"phase":"Pending",
               "initContainerStatuses":[{"name":"migrate","restartCount":2,"state":{"waiting":{"reason":"CrashLoopBackOff"}},
                 "lastState":{"terminated":{"exitCode":1,"finishedAt":"2024-06-01T11:59:00Z"}}}],
               "containerStatuses":[{"name":"app","restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}]}}
            """);

        Assert.Equal(["p", "0/1", "Init:CrashLoopBackOff", "2 (60s ago)"], _table.Cells(pod, Now).Take(4));
    }

    [Fact]
    public void Failed_init_container_shows_init_exit_code()
    {
        var pod = Parse("""
            {"metadata":{"name":"p"},
             "spec":{"initContainers":[{"name":"migrate"}],"containers":[{"name":"app"}]},
             "status":{"phase":"Failed","initContainerStatuses":[{"name":"migrate","state":{"terminated":{"exitCode":3}}}]}}
            """);

        Assert.Equal("Init:ExitCode:3", _table.Cells(pod, Now)[2]);
    }

    [Fact]
    public void Started_sidecar_init_container_counts_towards_ready_containers()
    {
        var pod = Parse("""
            {"metadata":{"name":"p"},
             "spec":{"initContainers":[{"name":"proxy","restartPolicy":"Always"}],"containers":[{"name":"app"}]},
             "status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True"},{"type":"Ready","status":"True"}],
               "initContainerStatuses":[{"name":"proxy","started":true,"ready":true,"restartCount":1,"state":{"running":{}},
                 "lastState":{"terminated":{"exitCode":1,"finishedAt":"2024-06-01T10:00:00Z"}}}],
               "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{}}}]}}
            """);

        Assert.Equal(["p", "2/2", "Running", "1 (120m ago)"], _table.Cells(pod, Now).Take(4));
    }

    [Fact]
    public void Completed_container_next_to_a_running_one_reads_running_or_not_ready()
    {
        const string Template = """
            {"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"},{"name":"b"}]},
             "status":{"phase":"Running","conditions":[{"type":"Ready","status":"READY"}],"containerStatuses":[
               {"name":"a","ready":false,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
               {"name":"b","ready":true,"state":{"running":{}}}]}}
            """;

        Assert.Equal("Running", _table.Cells(Parse(Template.Replace("READY", "True", StringComparison.Ordinal)), Now)[2]);
        Assert.Equal("NotReady", _table.Cells(Parse(Template.Replace("READY", "False", StringComparison.Ordinal)), Now)[2]);
    }

    [Fact]
    public void Scheduling_gated_pod_shows_scheduling_gated()
    {
        var pod = Parse("""
            {"metadata":{"name":"p"},"spec":{"containers":[{"name":"app"}]},
             "status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}}
            """);

        Assert.Equal("SchedulingGated", _table.Cells(pod, Now)[2]);
    }

    [Fact]
    public void Wide_cells_show_ip_nodes_and_readiness_gates()
    {
        var pod = Parse("""
            {"metadata":{"name":"p"},
             "spec":{"nodeName":"node-b","containers":[{"name":"app"}],
               "readinessGates":[{"conditionType":"example.com/lb"},{"conditionType":"example.com/dns"}]},
             "status":{"phase":"Pending","podIP":"10.1.2.3","nominatedNodeName":"node-c",
               "conditions":[{"type":"example.com/lb","status":"True"},{"type":"example.com/dns","status":"False"}]}}
            """);

        Assert.Equal(["10.1.2.3", "node-b", "node-c", "1/2"], _table.Cells(pod, Now).Skip(5));
    }

    [Fact]
    public void Pending_pod_without_status_shows_phase_and_placeholders()
    {
        var pod = Parse("""
            {"metadata":{"name":"new","creationTimestamp":"2024-06-01T11:59:50Z"},
             "spec":{"containers":[{"name":"app"}]},"status":{"phase":"Pending"}}
            """);

        Assert.Equal(["new", "0/1", "Pending", "0", "10s", "<none>", "<none>", "<none>", "<none>"], _table.Cells(pod, Now));
    }

    [Fact]
    public void With_multi_network_on_wide_output_adds_networks_as_name_and_interface()
    {
        var table = new PodTable(FeatureGates.Parse("MultiNetwork=true"));
        var pod = Parse("""
            {"metadata":{"name":"ubuntu","creationTimestamp":"2024-06-01T11:00:00Z"},
             "spec":{"containers":[{"name":"c","image":"ubuntu"}],"networks":[
               {"podNetworkName":"kubernetes","interfaceName":"eth0","isDefaultGW4":true,"isDefaultGW6":true},
               {"podNetworkName":"dataplane","interfaceName":"net1"},{"podNetworkAttachmentName":"fast"}]},
             "status":{"phase":"Pending"}}
            """);

        Assert.Equal("Networks", table.Columns[^1].Name);
        Assert.Equal(1, table.Columns[^1].Priority);
        Assert.Equal(10, table.Columns.Count);
        Assert.Equal("kubernetes(eth0),dataplane(net1),fast", table.Cells(pod, Now)[^1]);
        Assert.Equal("<none>", table.Cells(Parse("""{"metadata":{"name":"p"},"spec":{"containers":[]}}"""), Now)[^1]);
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
