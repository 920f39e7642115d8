using FakeApiServer.Security.Authorization.Rbac;

namespace FakeApiServer.Tests.Security.Authorization.Rbac;

public sealed class RuleCoverageTests
{
    [Fact]
    public void Owner_rules_cover_what_they_allow_piece_by_piece()
    {
        PolicyRule[] owner =
        [
            new() { Verbs = ["get", "list"], ApiGroups = [""], Resources = ["pods", "*/status"] },
            new() { Verbs = ["*"], NonResourceUrls = ["/healthz/*"] },
        ];

        Assert.Empty(RuleCoverage.Uncovered(owner, [new PolicyRule { Verbs = ["get"], ApiGroups = [""], Resources = ["pods", "services/status"] }]));
        Assert.Empty(RuleCoverage.Uncovered(owner, [new PolicyRule { Verbs = ["get"], ApiGroups = [""], Resources = ["pods"], ResourceNames = ["web"] }]));
        Assert.Empty(RuleCoverage.Uncovered(owner, [new PolicyRule { Verbs = ["post"], NonResourceUrls = ["/healthz/etcd"] }]));

        var missing = RuleCoverage.Uncovered(owner, [new PolicyRule { Verbs = ["get", "delete", "watch"], ApiGroups = [""], Resources = ["pods"] }]);
        Assert.Equal(["{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\" \"watch\"]}"], RuleCoverage.Compact(missing).Select(r => r.CompactString()));
    }

    [Fact]
    public void A_named_owner_rule_does_not_cover_an_unnamed_request()
    {
        PolicyRule[] owner = [new() { Verbs = ["get"], ApiGroups = [""], Resources = ["secrets"], ResourceNames = ["token"] }];
        Assert.Single(RuleCoverage.Uncovered(owner, [new PolicyRule { Verbs = ["get"], ApiGroups = [""], Resources = ["secrets"] }]));
        Assert.Empty(RuleCoverage.Uncovered(owner, [new PolicyRule { Verbs = ["get"], ApiGroups = [""], Resources = ["secrets"], ResourceNames = ["token"] }]));
    }

    [Fact]
    public void Compact_string_prints_lists_as_go_does() =>
        Assert.Equal(
            "{APIGroups:[\"apps\"], Resources:[\"deployments\" \"replicasets\"], ResourceNames:[\"web\"], Verbs:[\"get\"]}",
            new PolicyRule { Verbs = ["get"], ApiGroups = ["apps"], Resources = ["deployments", "replicasets"], ResourceNames = ["web"] }.CompactString());
}
