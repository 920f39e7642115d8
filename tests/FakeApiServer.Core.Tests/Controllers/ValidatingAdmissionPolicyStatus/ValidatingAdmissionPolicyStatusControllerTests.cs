using FakeApiServer.Controllers;
using FakeApiServer.Testing;
using k8s;
using k8s.Models;
using static FakeApiServer.Tests.Admission.Policies.PolicyTestSupport;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Controllers.ValidatingAdmissionPolicyStatus;

/// <summary>The policy status controller: status.observedGeneration and status.typeChecking after each spec change.</summary>
public sealed class ValidatingAdmissionPolicyStatusControllerTests
{
    [Fact]
    public async Task Undefined_fields_of_the_matched_kind_are_expression_warnings_and_a_fixed_spec_clears_them()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { Controllers = ControllerSelection.Parse("validatingadmissionpolicy-status-controller") }, ct);
        await cluster.Client.AdmissionregistrationV1.CreateValidatingAdmissionPolicyAsync(Policy("replicas", DeploymentRules + """

              validations:
              - expression: "object.spec.replicas < 10"
                messageExpression: "'too many: ' + string(object.spec.replicaz)"
              - expression: "object.spec.template.spec.containerz.size() > 0"
            """), cancellationToken: ct);

        var checkedPolicy = await cluster.WaitForAsync("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", null, "replicas",
            p => (long?)p["status"]?["observedGeneration"] == 1, TestTimeout, ct);
        await cluster.Client.AdmissionregistrationV1.PatchValidatingAdmissionPolicyAsync(new V1Patch("""
            {"spec":{"validations":[{"expression":"object.spec.replicas < 10"}]}}
            """, V1Patch.PatchType.MergePatch), "replicas", cancellationToken: ct);
        var fixedPolicy = await cluster.WaitForAsync("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", null, "replicas",
            p => (long?)p["status"]?["observedGeneration"] == 2, TestTimeout, ct);

        var warnings = checkedPolicy["status"]!["typeChecking"]!["expressionWarnings"]!.AsArray();
        Assert.Equal(2, warnings.Count);
        Assert.Equal("spec.validations[0].messageExpression", (string?)warnings[0]!["fieldRef"]);
        Assert.Equal(
            "apps/v1, Kind=Deployment: ERROR: <input>:1:34: undefined field 'replicaz'\n | 'too many: ' + string(object.spec.replicaz)\n | " + new string('.', 33) + "^\n",
            (string?)warnings[0]!["warning"]);
        Assert.Equal("spec.validations[1].expression", (string?)warnings[1]!["fieldRef"]);
        Assert.StartsWith("apps/v1, Kind=Deployment: ERROR: <input>:1:26: undefined field 'containerz'", (string?)warnings[1]!["warning"]);
        Assert.Equal("{}", fixedPolicy["status"]!["typeChecking"]!.ToJsonString());
    }
}
