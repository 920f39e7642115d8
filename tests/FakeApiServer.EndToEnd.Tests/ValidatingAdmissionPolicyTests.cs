using FakeApiServer.Testing;

namespace FakeApiServer.EndToEnd.Tests;

/// <summary>
/// A ValidatingAdmissionPolicy with a paramRef, with real kubectl: a Deployment with more replicas than the param
/// allows is refused with the messageExpression's text; with the binding in Warn mode kubectl prints the warning and
/// the Deployment is created.
/// </summary>
public sealed class ValidatingAdmissionPolicyTests
{
    private const string Policy = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: replica-limits
          namespace: default
        data:
          maxReplicas: "3"
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata:
          name: replica-limit
        spec:
          failurePolicy: Fail
          paramKind:
            apiVersion: v1
            kind: ConfigMap
          matchConstraints:
            resourceRules:
            - apiGroups: [apps]
              apiVersions: [v1]
              operations: [CREATE, UPDATE]
              resources: [deployments]
          validations:
          - expression: "object.spec.replicas <= int(params.data.maxReplicas)"
            messageExpression: "'replicas ' + string(object.spec.replicas) + ' exceed the limit of ' + params.data.maxReplicas"
            reason: Forbidden
        """;

    private static string Binding(string actions) => $"""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata:
          name: replica-limit-binding
        spec:
          policyName: replica-limit
          validationActions: {actions}
          paramRef:
            name: replica-limits
            namespace: default
            parameterNotFoundAction: Deny
        """;

    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 5
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
            spec:
              containers:
              - name: web
                image: nginx
        """;

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task A_deployment_over_the_params_limit_is_refused_with_the_message_expressions_text(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("policy.yaml", Policy + "\n---\n" + Binding("[Deny]")))).Succeeded();

        var refused = await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("deployment.yaml", Deployment));
        var listed = await kubectl.RunAsync("get", "deployments", "-o", "name");

        refused.FailedWith(
            $"Error from server (Forbidden): error when creating \"{Path.Combine(kubectl.Folder, "deployment.yaml")}\": deployments.apps \"web\" is forbidden: " +
            "ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-binding' denied request: replicas 5 exceed the limit of 3");
        Assert.Equal("", listed.Stdout);
    }

    [KubectlTheory]
    [MemberData(nameof(KubectlTool.OldestAndNewest), MemberType = typeof(KubectlTool))]
    public async Task In_Warn_mode_kubectl_prints_the_warning_and_the_deployment_is_created(string version)
    {
        using var timeout = E2E.Timeout();
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var kubectl = Kubectl.For(cluster, version);
        (await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("policy.yaml", Policy + "\n---\n" + Binding("[Warn]")))).Succeeded();

        var created = await kubectl.RunAsync("apply", "-f", kubectl.WriteFile("deployment.yaml", Deployment));
        var listed = (await kubectl.RunAsync("get", "deployments", "-o", "name")).Succeeded();

        Assert.Equal(0, created.ExitCode);
        Assert.Equal("deployment.apps/web created\n", created.Stdout);
        Assert.Equal(
            "Warning: Validation failed for ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-binding': replicas 5 exceed the limit of 3\n",
            created.Stderr);
        Assert.Equal("deployment.apps/web\n", listed.Stdout);
    }
}
