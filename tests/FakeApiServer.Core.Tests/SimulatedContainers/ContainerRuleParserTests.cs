using System.Text.Json.Nodes;
using FakeApiServer.SimulatedContainers;

namespace FakeApiServer.Tests.SimulatedContainers;

public sealed class ContainerRuleParserTests
{
    private static readonly JsonObject Db = JsonNode.Parse("""{"metadata":{"name":"db-0","namespace":"prod","labels":{"app":"db"}}}""")!.AsObject();

    [Fact]
    public void A_rule_file_matches_namespace_labels_container_and_command_and_keeps_its_order()
    {
        var rules = ContainerRuleParser.ParseFile("""
            rules:
            - name: exact
              namespaces: [prod]
              selector: {matchLabels: {app: db}}
              containers: [postgres]
              exec: {command: [pg_isready], stdout: "ok\n"}
            - exec: {commandPrefix: [psql, -c], exitCode: 3, delay: 2s}
            - exec: {commandRegex: "^redis-cli( .*)? ping$", stdout: PONG}
            - attach: {output: [{text: "hi\n", after: 1s, stream: stderr}], echoStdin: true}
            - logs: {lines: ["plain", {text: later, after: 5s}]}
            - portForward: {port: 5432, target: "127.0.0.1:15432"}
            """);
        var set = new ContainerRuleSet(rules, null);

        Assert.Equal("exact", set.FindExec(Db, "postgres", ["pg_isready"])?.Name);
        Assert.Equal("rules[1]", set.FindExec(Db, "other", ["psql", "-c", "select 1"])?.Name);
        Assert.Null(set.FindExec(Db, "postgres", ["psql"]));
        Assert.Equal("rules[2]", set.FindExec(Db, "cache", ["redis-cli", "-h", "x", "ping"])?.Name);
        Assert.Null(set.FindExec(Db, "cache", ["redis-cli", "pong"]));
        Assert.Equal("rules[3]", set.FindAttach(Db, "any")?.Name);
        Assert.Equal([new ScriptedLogLine(TimeSpan.Zero, "plain"), new ScriptedLogLine(TimeSpan.FromSeconds(5), "later")], set.LinesFor(Db, "any"));
        Assert.Equal("rules[5]", set.FindPortForward(Db, 5432)?.Name);
        Assert.Null(set.FindPortForward(Db, 80));
        var elsewhere = JsonNode.Parse("""{"metadata":{"name":"db-0","namespace":"dev","labels":{"app":"db"}}}""")!.AsObject();
        Assert.Equal("rules[1]", set.FindExec(elsewhere, "postgres", ["psql", "-c", "x"])?.Name);
        Assert.Null(set.FindExec(elsewhere, "postgres", ["pg_isready"]));
    }

    [Theory]
    [InlineData("rules: [{}]", "rules[0]: must have exactly one of exec, attach, logs and portForward")]
    [InlineData("rules: [{exec: {}, logs: {}}]", "rules[0]: must have exactly one of exec, attach, logs and portForward")]
    [InlineData("rules: [{exec: {exitCode: 300}}]", "rules[0].exec.exitCode: must be a number from 0 to 255")]
    [InlineData("rules: [{exec: {delay: soon}}]", "rules[0].exec.delay: must be a duration such as 5s or 1m30s, not \"soon\"")]
    [InlineData("rules: [{exec: {stdin: x}}]", "rules[0].exec: unknown field \"stdin\"")]
    [InlineData("rules: [{portForward: {target: nowhere}}]", "rules[0].portForward.target: must be host:port (e.g. 127.0.0.1:8080), not \"nowhere\"")]
    [InlineData("rules: [{attach: {output: [{stream: stdin}]}}]", "rules[0].attach.output[0].stream: must be stdout or stderr, not \"stdin\"")]
    [InlineData("stages: []", "the container rules file must be an object with one field, rules")]
    public void A_bad_rule_file_is_refused_naming_the_rule_and_field(string yaml, string message)
    {
        var error = Assert.Throws<FormatException>(() => ContainerRuleParser.ParseFile(yaml));
        Assert.Equal(message, error.Message);
    }
}
