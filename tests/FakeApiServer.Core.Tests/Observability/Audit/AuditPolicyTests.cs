using System.Text;
using FakeApiServer.Observability.Audit;

namespace FakeApiServer.Tests.Observability.Audit;

public sealed class AuditPolicyTests
{
    private static AuditPolicy Policy(string yaml) => AuditPolicy.Parse(Encoding.UTF8.GetBytes(yaml), "policy.yaml");

    private static AuditAttributes Resource(string verb, string group, string resource, string subresource = "", string ns = "default", string name = "", string user = "alice", params string[] groups) => new()
    {
        User = user,
        Groups = groups.Length > 0 ? groups : ["system:authenticated"],
        Verb = verb,
        IsResourceRequest = true,
        Namespace = ns,
        Group = group,
        Resource = resource,
        Subresource = subresource,
        Name = name,
    };

    private static AuditAttributes NonResource(string path, string user = "alice") => new()
    {
        User = user,
        Groups = ["system:authenticated"],
        Verb = "get",
        IsResourceRequest = false,
        Path = path,
    };

    private const string Example = """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: ["RequestReceived"]
        rules:
        - level: None
          users: ["system:kube-proxy"]
          verbs: ["watch"]
        - level: None
          userGroups: ["system:nodes"]
          nonResourceURLs: ["/healthz*", "/version"]
        - level: Request
          resources:
          - group: ""
            resources: ["pods/log", "pods/status"]
        - level: RequestResponse
          resources:
          - group: apps
            resources: ["deployments/*"]
          - group: "*"
            resources: ["*/scale"]
        - level: Metadata
          resources:
          - group: ""
            resources: ["secrets", "configmaps"]
            resourceNames: ["controller-leader"]
          omitStages: ["ResponseStarted"]
          omitManagedFields: true
        - level: Request
          namespaces: ["kube-system"]
        - level: Metadata
          nonResourceURLs: ["/apis*"]
        """;

    [Fact]
    public void The_first_matching_rule_decides_and_no_match_is_None()
    {
        var policy = Policy(Example);

        Assert.Equal(AuditLevel.None, policy.Evaluate(Resource("watch", "", "endpoints", user: "system:kube-proxy")).Level);
        Assert.Equal(AuditLevel.None, policy.Evaluate(Resource("get", "", "endpoints", user: "system:kube-proxy")).Level);
        Assert.Equal(AuditLevel.Request, policy.Evaluate(Resource("get", "", "pods", "log")).Level);
        Assert.Equal(AuditLevel.None, policy.Evaluate(Resource("get", "", "pods")).Level);
        Assert.Equal(AuditLevel.RequestResponse, policy.Evaluate(Resource("update", "apps", "deployments")).Level);
        Assert.Equal(AuditLevel.RequestResponse, policy.Evaluate(Resource("update", "apps", "deployments", "status")).Level);
        Assert.Equal(AuditLevel.RequestResponse, policy.Evaluate(Resource("patch", "apps", "replicasets", "scale")).Level);
        Assert.Equal(AuditLevel.None, policy.Evaluate(Resource("patch", "apps", "replicasets")).Level);
        Assert.Equal(AuditLevel.Metadata, policy.Evaluate(Resource("get", "", "configmaps", name: "controller-leader")).Level);
        Assert.Equal(AuditLevel.None, policy.Evaluate(Resource("get", "", "configmaps", name: "other")).Level);
        Assert.Equal(AuditLevel.None, policy.Evaluate(Resource("list", "", "configmaps")).Level);
        Assert.Equal(AuditLevel.Request, policy.Evaluate(Resource("list", "", "configmaps", ns: "kube-system")).Level);
    }

    [Fact]
    public void Non_resource_urls_match_exactly_or_by_prefix_and_never_match_resource_requests()
    {
        var policy = Policy(Example);

        Assert.Equal(AuditLevel.Metadata, policy.Evaluate(NonResource("/apis")).Level);
        Assert.Equal(AuditLevel.Metadata, policy.Evaluate(NonResource("/apis/apps/v1")).Level);
        Assert.Equal(AuditLevel.None, policy.Evaluate(NonResource("/api")).Level);
        var node = NonResource("/healthz/ready") with { Groups = ["system:nodes"] };
        Assert.Equal(AuditLevel.None, policy.Evaluate(node).Level);
        Assert.Equal(AuditLevel.Metadata, policy.Evaluate(NonResource("/apis/x") with { Groups = ["system:nodes"] }).Level);
        Assert.Equal(AuditLevel.None, policy.Evaluate(Resource("get", "", "pods") with { Path = "/apis/x" }).Level);
    }

    [Fact]
    public void Omit_stages_join_the_policys_and_the_rules_and_omit_managed_fields_falls_back_to_the_policy()
    {
        var policy = Policy(Example);

        var secret = policy.Evaluate(Resource("get", "", "secrets", name: "controller-leader"));
        Assert.Equal(["RequestReceived", "ResponseStarted"], secret.OmitStages.Order(StringComparer.Ordinal));
        Assert.True(secret.OmitManagedFields);
        var log = policy.Evaluate(Resource("get", "", "pods", "log"));
        Assert.Equal(["RequestReceived"], log.OmitStages);
        Assert.False(log.OmitManagedFields);
    }

    [Theory]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: []\n", "loaded illegal policy with 0 rules from file policy.yaml")]
    [InlineData("apiVersion: audit.k8s.io/v1beta1\nkind: Policy\nrules: [{level: None}]\n", "expected audit.k8s.io/v1 Policy")]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Everything}]\n", "rules[0].level: Unsupported value: \"Everything\"")]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, omitStages: [Done]}]\n", "rules[0].omitStages[0]: Unsupported value: \"Done\"")]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, nonResourceURLs: [\"/a\"], namespaces: [x]}]\n", "rules cannot apply to both regular resources and non-resource URLs")]
    [InlineData("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, nonResourceURLs: [\"a*\"]}]\n", "non-resource URLs must start with '/'")]
    public void Invalid_policies_are_refused_with_the_reason(string yaml, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Policy(yaml));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
