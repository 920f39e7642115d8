using System.Text.Json.Nodes;
using FakeApiServer.Controllers.Kubelet;

namespace FakeApiServer.Tests.Controllers.Kubelet;

public sealed class PodStagesTests
{
    private const string File = """
        stages:
        - name: jobs finish
          selector:
            matchExpressions:
            - {key: batch.kubernetes.io/job-name, operator: Exists}
          exitAfter: 2s
          exitCode: 0
        - namespaces: [slow]
          containers: [web]
          readyAfter: 1m
        - readiness: fail
          selector:
            matchLabels: {probe: broken}
        """;

    [Fact]
    public void The_first_matching_rule_of_the_stage_file_applies_per_container()
    {
        var stages = PodStages.Parse(File);

        Assert.Equal(new ContainerStage(TimeSpan.FromSeconds(2), 0, TimeSpan.Zero, false),
            stages.Resolve(Pod("default", """{"batch.kubernetes.io/job-name":"pi"}"""))["main"]);
        var slow = stages.Resolve(Pod("slow", "{}", containers: ["web", "side"]));
        Assert.Equal(TimeSpan.FromMinutes(1), slow["web"].ReadyAfter);
        Assert.Equal(ContainerStage.Running, slow["side"]);
        Assert.True(stages.Resolve(Pod("default", """{"probe":"broken"}"""))["main"].FailsReadiness);
        Assert.Equal(ContainerStage.Running, stages.Resolve(Pod("default", "{}"))["main"]);
    }

    [Fact]
    public void Annotations_override_the_file_field_by_field_and_can_name_their_containers()
    {
        var stages = PodStages.Parse(File);
        var pod = Pod("default", """{"batch.kubernetes.io/job-name":"pi"}""", containers: ["main", "side"]);
        pod["metadata"]!["annotations"] = new JsonObject
        {
            ["fakeapiserver.io/exit-code"] = "3",
            ["fakeapiserver.io/ready-after"] = "5s",
            ["fakeapiserver.io/stage-containers"] = "main",
        };

        var resolved = stages.Resolve(pod);

        Assert.Equal(new ContainerStage(TimeSpan.FromSeconds(2), 3, TimeSpan.FromSeconds(5), false), resolved["main"]);
        Assert.Equal(new ContainerStage(TimeSpan.FromSeconds(2), 0, TimeSpan.Zero, false), resolved["side"]);
    }

    [Fact]
    public void An_exit_code_alone_exits_at_once_and_fail_containers_exits_1()
    {
        var pod = Pod("default", "{}", containers: ["a", "b"]);
        pod["metadata"]!["annotations"] = new JsonObject { ["fakeapiserver.io/exit-code"] = "2", ["fakeapiserver.io/fail-containers"] = "b" };

        var resolved = PodStages.None.Resolve(pod);

        Assert.Equal(new ContainerStage(TimeSpan.Zero, 2, TimeSpan.Zero, false), resolved["a"]);
        Assert.Equal(new ContainerStage(TimeSpan.Zero, 1, TimeSpan.Zero, false), resolved["b"]);
    }

    [Theory]
    [InlineData("stages: [{exitAfter: soon}]", "stages[0].exitAfter: must be a duration such as 5s or 1m30s, not \"soon\"")]
    [InlineData("stages: [{exitCode: 300}]", "stages[0].exitCode: must be a number from 0 to 255")]
    [InlineData("stages: [{readiness: maybe}]", "stages[0].readiness: must be fail or pass, not \"maybe\"")]
    [InlineData("stages: [{exitafter: 1s}]", "stages[0]: unknown field \"exitafter\"")]
    [InlineData("rules: []", "the stage file must be an object with one field, stages")]
    public void A_bad_stage_file_names_the_rule_and_field(string yaml, string message)
    {
        Assert.Equal(message, Assert.Throws<FormatException>(() => PodStages.Parse(yaml)).Message);
    }

    private static JsonObject Pod(string ns, string labels, string[]? containers = null) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = "p", ["namespace"] = ns, ["uid"] = "u1", ["labels"] = JsonNode.Parse(labels) },
        ["spec"] = new JsonObject
        {
            ["restartPolicy"] = "Always",
            ["containers"] = new JsonArray([.. (containers ?? ["main"]).Select(c => (JsonNode)new JsonObject { ["name"] = c, ["image"] = "busybox" })]),
        },
    };
}
