using System.Text.Json.Nodes;
using FakeApiServer.Admission;
using FakeApiServer.Admission.Webhooks;
using static FakeApiServer.Tests.Admission.AdmissionTestRequests;

namespace FakeApiServer.Tests.Admission;

public sealed class WebhookRuleTests
{
    private static WebhookRule Rule(string json) => WebhookRule.Parse((JsonObject)JsonNode.Parse(json)!);

    [Theory]
    [InlineData("""["pods"]""", "", true)]
    [InlineData("""["pods"]""", "status", false)]
    [InlineData("""["pods/status"]""", "status", true)]
    [InlineData("""["pods/*"]""", "binding", true)]
    [InlineData("""["pods/*"]""", "", true)]
    [InlineData("""["*"]""", "", true)]
    [InlineData("""["*"]""", "status", false)]
    [InlineData("""["*/*"]""", "status", true)]
    [InlineData("""["*/status"]""", "status", true)]
    [InlineData("""["deployments"]""", "", false)]
    public void Resources_match_with_subresources_and_wildcards(string resources, string subresource, bool matches)
    {
        var rule = Rule($$"""{"operations":["*"],"apiGroups":[""],"apiVersions":["v1"],"resources":{{resources}}}""");
        Assert.Equal(matches, rule.Matches(Request(AdmissionOperation.Update, Pods, Pod("{}"), "web", subresource)));
    }

    [Fact]
    public void Operations_groups_versions_and_scope_must_match()
    {
        var pod = Request(AdmissionOperation.Create, Pods, Pod("{}"), "web");
        Assert.True(Rule("""{"operations":["CREATE"],"apiGroups":["*"],"apiVersions":["*"],"resources":["pods"]}""").Matches(pod));
        Assert.False(Rule("""{"operations":["UPDATE"],"apiGroups":["*"],"apiVersions":["*"],"resources":["pods"]}""").Matches(pod));
        Assert.False(Rule("""{"operations":["*"],"apiGroups":["apps"],"apiVersions":["*"],"resources":["pods"]}""").Matches(pod));
        Assert.False(Rule("""{"operations":["*"],"apiGroups":[""],"apiVersions":["v2"],"resources":["pods"]}""").Matches(pod));
        Assert.True(Rule("""{"operations":["*"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"],"scope":"Namespaced"}""").Matches(pod));
        Assert.False(Rule("""{"operations":["*"],"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"],"scope":"Cluster"}""").Matches(pod));
    }

    [Fact]
    public void Namespaces_are_cluster_scoped_for_rules()
    {
        var ns = Request(AdmissionOperation.Create, Namespaces, new JsonObject(), "team-a");
        Assert.True(Rule("""{"operations":["*"],"apiGroups":[""],"apiVersions":["v1"],"resources":["namespaces"],"scope":"Cluster"}""").Matches(ns));
        Assert.False(Rule("""{"operations":["*"],"apiGroups":[""],"apiVersions":["v1"],"resources":["namespaces"],"scope":"Namespaced"}""").Matches(ns));
    }
}
