using System.Text.Json.Nodes;
using FakeApiServer.Apis.Apps.Deployments;

namespace FakeApiServer.Tests.Apis.Apps.Deployments;

public sealed class DeploymentTableTests
{
    private static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly DeploymentTable _table = new();

    [Fact]
    public void Columns_match_upstream_deployment_columns()
    {
        Assert.Equal(["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"], _table.Columns.Select(c => c.Name));
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1], _table.Columns.Select(c => c.Priority));
    }

    [Fact]
    public void Rolling_deployment_shows_ready_of_desired_and_wide_cells()
    {
        var deployment = Parse("""
            {"metadata":{"name":"web","creationTimestamp":"2024-06-01T07:30:00Z"},
             "spec":{"replicas":3,
               "selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["frontend","backend"]}]},
               "template":{"metadata":{"labels":{"app":"web"}},
                 "spec":{"containers":[{"name":"web","image":"nginx:1.27"},{"name":"log","image":"fluent-bit:3"}]}}},
             "status":{"replicas":3,"updatedReplicas":3,"readyReplicas":2,"availableReplicas":2}}
            """);

        Assert.Equal(
            ["web", "2/3", 3L, 2L, "4h30m", "web,log", "nginx:1.27,fluent-bit:3", "app=web,tier in (backend,frontend)"],
            _table.Cells(deployment, Now));
    }

    [Fact]
    public void Deployment_without_status_or_selector_defaults_to_one_replica_and_empty_selector()
    {
        var deployment = Parse("""{"metadata":{"name":"new"},"spec":{"template":{"spec":{"containers":[{"name":"c","image":"i"}]}}}}""");

        Assert.Equal(["new", "0/1", 0L, 0L, "<unknown>", "c", "i", ""], _table.Cells(deployment, Now));
    }

    [Fact]
    public void Invalid_selector_prints_invalid()
    {
        var deployment = Parse("""{"metadata":{"name":"d"},"spec":{"selector":{"matchExpressions":[{"key":"a","operator":"In"}]}}}""");

        Assert.Equal("<invalid>", _table.Cells(deployment, Now)[7]);
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();
}
