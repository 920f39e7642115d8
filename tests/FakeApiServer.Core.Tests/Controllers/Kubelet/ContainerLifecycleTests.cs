using System.Text.Json.Nodes;
using FakeApiServer.Controllers.Kubelet;
using FakeApiServer.Registry;

namespace FakeApiServer.Tests.Controllers.Kubelet;

public sealed class ContainerLifecycleTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_crash_looping_container_restarts_at_once_then_backs_off_10s_doubling_to_5_minutes()
    {
        var stage = new ContainerStage(TimeSpan.FromSeconds(1), 1, TimeSpan.Zero, false);
        var pod = Started("Always");

        // Exit at 1 s: restarted at once; exit at 2 s: CrashLoopBackOff for 10 s.
        var main = Step(pod, stage, Start.AddSeconds(2));
        Assert.Equal(1L, (long)main["restartCount"]!);
        Assert.Equal("CrashLoopBackOff", (string?)main["state"]!["waiting"]!["reason"]);
        Assert.StartsWith("back-off 10s restarting failed container=main pod=p_default(u1)", (string?)main["state"]!["waiting"]!["message"], StringComparison.Ordinal);
        Assert.Equal(1, (int)main["lastState"]!["terminated"]!["exitCode"]!);
        Assert.Equal("Error", (string?)main["lastState"]!["terminated"]!["reason"]);
        Assert.Equal(Start.AddSeconds(12), ContainerLifecycle.NextTransition(pod, Stages(stage)));
        Assert.Equal("Running", (string?)pod["status"]!["phase"]);

        // Restarted at 12 s, exits at 13 s: 20 s; then 40, 80, 160, 300, 300.
        Assert.Equal("back-off 20s", Message(Step(pod, stage, Start.AddSeconds(13))));
        Assert.Equal(2L, (long)MainOf(pod)["restartCount"]!);
        var at = Start.AddSeconds(13);
        foreach (var seconds in new[] { 40, 80, 160, 300, 300 })
        {
            at = ContainerLifecycle.NextTransition(pod, Stages(stage))!.Value.AddSeconds(1);
            Assert.Equal($"back-off {seconds}s", Message(Step(pod, stage, at)));
        }
    }

    [Theory]
    [InlineData("Never", 0, "Succeeded", "Completed")]
    [InlineData("Never", 3, "Failed", "Error")]
    [InlineData("OnFailure", 0, "Succeeded", "Completed")]
    public void A_container_that_is_not_restarted_stays_terminated_and_ends_the_pod(string restartPolicy, int code, string phase, string reason)
    {
        var stage = new ContainerStage(TimeSpan.FromSeconds(5), code, TimeSpan.Zero, false);
        var pod = Started(restartPolicy);

        Assert.NotNull(Step(pod, stage, Start.AddSeconds(4))["state"]!["running"]);
        var main = Step(pod, stage, Start.AddSeconds(30));

        var terminated = main["state"]!["terminated"]!;
        Assert.Equal(code, (int)terminated["exitCode"]!);
        Assert.Equal(reason, (string?)terminated["reason"]);
        Assert.Equal("2026-12-06T12:00:05Z", (string?)terminated["finishedAt"]);
        Assert.Equal(0, (int)main["restartCount"]!);
        Assert.Equal(phase, (string?)pod["status"]!["phase"]);
        Assert.Equal("PodCompleted", (string?)Condition(pod, "Ready")["reason"]);
    }

    [Fact]
    public void A_container_becomes_ready_after_its_delay_unless_its_readiness_fails()
    {
        var late = new ContainerStage(null, 0, TimeSpan.FromSeconds(30), false);
        var pod = Started("Always");

        Assert.False((bool)Step(pod, late, Start.AddSeconds(29))["ready"]!);
        Assert.Equal("containers with unready status: [main]", (string?)Condition(pod, "Ready")["message"]);
        Assert.Equal(Start.AddSeconds(30), ContainerLifecycle.NextTransition(pod, Stages(late)));
        Assert.True((bool)Step(pod, late, Start.AddSeconds(30))["ready"]!);
        Assert.Equal("True", (string?)Condition(pod, "Ready")["status"]);

        var broken = Started("Always");
        Assert.False((bool)Step(broken, late with { FailsReadiness = true }, Start.AddHours(1))["ready"]!);
        Assert.Null(ContainerLifecycle.NextTransition(broken, Stages(late with { FailsReadiness = true })));
    }

    private static JsonObject Step(JsonObject pod, ContainerStage stage, DateTimeOffset now)
    {
        var status = (JsonObject)pod["status"]!.DeepClone();
        ContainerLifecycle.Advance(pod, status, Stages(stage), now);
        pod["status"] = status;
        return MainOf(pod);
    }

    private static Dictionary<string, ContainerStage> Stages(ContainerStage stage) => new() { ["main"] = stage };

    private static JsonObject MainOf(JsonObject pod) => (JsonObject)pod["status"]!["containerStatuses"]![0]!;

    private static string Message(JsonObject container) => ((string?)container["state"]!["waiting"]!["message"])!.Split(' ')[0..2] is var words ? string.Join(' ', words) : "";

    private static JsonObject Condition(JsonObject pod, string type) =>
        ((JsonArray)pod["status"]!["conditions"]!).OfType<JsonObject>().Single(c => (string?)c["type"] == type);

    private static JsonObject Started(string restartPolicy) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = "p", ["namespace"] = "default", ["uid"] = "u1" },
        ["spec"] = new JsonObject { ["restartPolicy"] = restartPolicy, ["containers"] = new JsonArray(new JsonObject { ["name"] = "main" }) },
        ["status"] = new JsonObject
        {
            ["phase"] = "Running",
            ["containerStatuses"] = new JsonArray(new JsonObject
            {
                ["containerID"] = "containerd://0",
                ["name"] = "main",
                ["ready"] = false,
                ["restartCount"] = 0,
                ["started"] = true,
                ["lastState"] = new JsonObject(),
                ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = ObjectMeta.FormatTime(Start) } },
            }),
        },
    };
}
