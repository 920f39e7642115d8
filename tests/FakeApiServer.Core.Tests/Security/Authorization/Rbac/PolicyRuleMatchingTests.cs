using FakeApiServer.Security;
using FakeApiServer.Security.Authorization;
using FakeApiServer.Security.Authorization.Rbac;

namespace FakeApiServer.Tests.Security.Authorization.Rbac;

public sealed class PolicyRuleMatchingTests
{
    private static readonly UserInfo Bob = UserInfo.Of("bob", UserInfo.AuthenticatedGroup);

    private static PolicyRule Rule(string[] verbs, string[] groups, string[] resources, params string[] names) =>
        new() { Verbs = verbs, ApiGroups = groups, Resources = resources, ResourceNames = names };

    private static AuthorizationAttributes Request(string verb, string group, string resource, string subresource = "", string name = "") =>
        AuthorizationAttributes.ForResource(Bob, verb, group, resource, "default", name, subresource);

    [Theory]
    [InlineData("get", "", "pods", "", "", true)]
    [InlineData("list", "", "pods", "", "", true)]
    [InlineData("delete", "", "pods", "", "", false)]
    [InlineData("get", "apps", "pods", "", "", false)]
    [InlineData("get", "", "pods", "status", "", false)]
    [InlineData("get", "", "configmaps", "", "", false)]
    public void A_plain_rule_matches_its_verbs_group_and_resource_only(string verb, string group, string resource, string subresource, string name, bool allowed) =>
        Assert.Equal(allowed, PolicyRuleMatching.Allows(Rule(["get", "list"], [""], ["pods"]), Request(verb, group, resource, subresource, name)));

    [Theory]
    [InlineData("pods/status", "pods", "status", true)]
    [InlineData("pods/status", "pods", "", false)]
    [InlineData("pods/status", "pods", "log", false)]
    [InlineData("*/status", "deployments", "status", true)]
    [InlineData("*/status", "deployments", "", false)]
    [InlineData("*/scale", "deployments", "status", false)]
    [InlineData("*", "deployments", "status", true)]
    public void Subresources_match_by_resource_slash_subresource_or_star_slash_subresource(string ruleResource, string resource, string subresource, bool allowed) =>
        Assert.Equal(allowed, PolicyRuleMatching.Allows(Rule(["get"], ["*"], [ruleResource]), Request("get", "apps", resource, subresource)));

    [Fact]
    public void Stars_match_every_verb_group_and_resource()
    {
        var all = Rule(["*"], ["*"], ["*"]);
        Assert.True(PolicyRuleMatching.Allows(all, Request("deletecollection", "networking.k8s.io", "ingresses")));
        Assert.True(PolicyRuleMatching.Allows(all, Request("impersonate", "", "users", name: "alice")));
    }

    [Fact]
    public void ResourceNames_limit_named_requests_and_never_match_unnamed_ones()
    {
        var named = Rule(["get", "list", "create"], [""], ["configmaps"], "settings");
        Assert.True(PolicyRuleMatching.Allows(named, Request("get", "", "configmaps", name: "settings")));
        Assert.False(PolicyRuleMatching.Allows(named, Request("get", "", "configmaps", name: "other")));
        Assert.False(PolicyRuleMatching.Allows(named, Request("list", "", "configmaps")));
        Assert.False(PolicyRuleMatching.Allows(named, Request("create", "", "configmaps")));
    }

    [Theory]
    [InlineData("/healthz", "/healthz", true)]
    [InlineData("/healthz", "/healthz/etcd", false)]
    [InlineData("/healthz/*", "/healthz/etcd", true)]
    [InlineData("/healthz/*", "/healthz", false)]
    [InlineData("/apis*", "/apis/apps/v1", true)]
    [InlineData("*", "/anything", true)]
    public void Non_resource_urls_match_exactly_or_by_a_prefix_ending_in_a_star(string url, string path, bool allowed)
    {
        var rule = new PolicyRule { Verbs = ["get"], NonResourceUrls = [url] };
        Assert.Equal(allowed, PolicyRuleMatching.Allows(rule, AuthorizationAttributes.ForPath(Bob, "get", path)));
        Assert.False(PolicyRuleMatching.Allows(rule, AuthorizationAttributes.ForPath(Bob, "post", path)));
    }

    [Fact]
    public void A_resource_rule_never_matches_a_path_and_a_url_rule_never_matches_a_resource()
    {
        Assert.False(PolicyRuleMatching.Allows(Rule(["*"], ["*"], ["*"]), AuthorizationAttributes.ForPath(Bob, "get", "/healthz")));
        Assert.False(PolicyRuleMatching.Allows(new PolicyRule { Verbs = ["*"], NonResourceUrls = ["*"] }, Request("get", "", "pods")));
    }

    [Theory]
    [InlineData("User", "bob", "", "", true)]
    [InlineData("User", "alice", "", "", false)]
    [InlineData("Group", "system:authenticated", "", "", true)]
    [InlineData("Group", "system:masters", "", "", false)]
    [InlineData("ServiceAccount", "x", "default", "", true)]
    [InlineData("ServiceAccount", "x", "", "default", true)]
    [InlineData("ServiceAccount", "x", "", "", false)]
    [InlineData("ServiceAccount", "x", "other", "default", false)]
    public void Subjects_name_users_groups_and_service_accounts_whose_namespace_defaults_to_the_bindings(
        string kind, string name, string subjectNamespace, string bindingNamespace, bool applies)
    {
        var user = kind == "ServiceAccount" ? UserInfo.Of("system:serviceaccount:default:x", "system:serviceaccounts") : Bob;
        Assert.Equal(applies, new RbacSubject(kind, name, subjectNamespace).AppliesTo(user, bindingNamespace));
    }
}
