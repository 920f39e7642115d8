using System.Net;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Admission.Policies.PolicyTestSupport;
using static FakeApiServer.Tests.Api.ApiTestSupport;

namespace FakeApiServer.Tests.Admission.Policies;

/// <summary>The ValidatingAdmissionPolicy admission plugin through the KubernetesClient, with upstream's messages and codes.</summary>
public sealed class ValidatingAdmissionPolicyApiTests
{
    private const string ReplicaLimit = DeploymentRules + """

          failurePolicy: Fail
          paramKind:
            apiVersion: v1
            kind: ConfigMap
          validations:
          - expression: "object.spec.replicas <= int(params.data.maxReplicas)"
            messageExpression: "'replicas ' + string(object.spec.replicas) + ' exceed the limit of ' + params.data.maxReplicas"
        """;

    private const string ParamRef = """
          paramRef:
            name: limits
            namespace: default
            parameterNotFoundAction: Deny
        """;

    private static Task<V1ConfigMap> CreateLimitsAsync(IKubernetes client, string max, CancellationToken ct) =>
        client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("limits", data: new Dictionary<string, string> { ["maxReplicas"] = max }), "default", cancellationToken: ct);

    private static V1ConfigMap Labelled(string name, string key, string value) => ConfigMap(name, new Dictionary<string, string> { [key] = value });

    [Fact]
    public async Task A_policy_with_a_paramRef_denies_a_deployment_over_the_param_with_the_message_expression()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await CreateLimitsAsync(cluster.Client, "3", ct);
        await cluster.Client.AddPolicyAsync("replica-limit", ReplicaLimit, ct, bindingExtra: ParamRef);

        var denied = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", replicas: 5), "default", cancellationToken: ct));
        await cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("small", replicas: 3), "default", cancellationToken: ct);

        const string message = "ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-binding' denied request: replicas 5 exceed the limit of 3";
        var status = denied.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid", "deployments.apps \"web\" is forbidden: " + message);
        Assert.Equal("web", (string?)status["details"]?["name"]);
        Assert.Equal(message, (string?)status["details"]?["causes"]?[0]?["message"]);
    }

    [Fact]
    public async Task Warn_mode_creates_the_object_and_returns_upstreams_warning()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await CreateLimitsAsync(cluster.Client, "3", ct);
        await cluster.Client.AddPolicyAsync("replica-limit", ReplicaLimit, ct, actions: "[Warn, Audit]", bindingExtra: ParamRef);

        using var created = await cluster.Client.AppsV1.CreateNamespacedDeploymentWithHttpMessagesAsync(Deployment("web", replicas: 5), "default", cancellationToken: ct);

        Assert.Equal(HttpStatusCode.Created, created.Response.StatusCode);
        Assert.True(created.Response.Headers.TryGetValues("Warning", out var warnings));
        Assert.Equal(
            ["299 - \"Validation failed for ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-binding': replicas 5 exceed the limit of 3\""],
            warnings);
    }

    [Fact]
    public async Task Missing_params_deny_or_allow_as_parameterNotFoundAction_says_and_selectors_check_every_param()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AddPolicyAsync("replica-limit", ReplicaLimit, ct, bindingExtra: ParamRef);
        await cluster.Client.AdmissionregistrationV1.CreateValidatingAdmissionPolicyBindingAsync(Binding("by-selector", "replica-limit", extra: """
              paramRef:
                selector:
                  matchLabels:
                    limit: "true"
                parameterNotFoundAction: Allow
            """), cancellationToken: ct);

        var noParam = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web"), "default", cancellationToken: ct));
        await CreateLimitsAsync(cluster.Client, "10", ct);
        var low = ConfigMap("low", new Dictionary<string, string> { ["limit"] = "true" }, new Dictionary<string, string> { ["maxReplicas"] = "2" });
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(low, "default", cancellationToken: ct);
        var bySelector = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", replicas: 4), "default", cancellationToken: ct));

        noParam.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-binding' denied request: " +
            "failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction");
        bySelector.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'replica-limit' with binding 'by-selector' denied request: replicas 4 exceed the limit of 2");
    }

    [Fact]
    public async Task Reason_message_and_the_expression_fallback_shape_the_denial()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AddPolicyAsync("no-x", ConfigMapRules + """

              validations:
              - expression: "!has(object.data) || !('x' in object.data)"
                message: "  data x is not allowed  "
                reason: Forbidden
              - expression: "object.metadata.name != 'bad'"
                messageExpression: "'not a string: ' + 1"
            """, ct);

        var forbidden = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c", data: new Dictionary<string, string> { ["x"] = "1" }), "default", cancellationToken: ct));
        var fallback = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("bad"), "default", cancellationToken: ct));

        forbidden.AssertStatus(HttpStatusCode.Forbidden, "Forbidden",
            "configmaps \"c\" is forbidden: ValidatingAdmissionPolicy 'no-x' with binding 'no-x-binding' denied request: data x is not allowed");
        fallback.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "configmaps \"bad\" is forbidden: ValidatingAdmissionPolicy 'no-x' with binding 'no-x-binding' denied request: failed expression: object.metadata.name != 'bad'");
    }

    [Fact]
    public async Task Selectors_exclusions_resource_names_and_binding_match_resources_narrow_what_a_policy_sees()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.AddNamespaceAsync("team", ct);
        await cluster.Client.CoreV1.PatchNamespaceAsync(new V1Patch("""{"metadata":{"labels":{"env":"prod"}}}""", V1Patch.PatchType.MergePatch), "team", cancellationToken: ct);
        await cluster.Client.AddPolicyAsync("deny-all", """
              matchConstraints:
                namespaceSelector:
                  matchLabels:
                    env: prod
                objectSelector:
                  matchExpressions:
                  - {key: skip, operator: DoesNotExist}
                resourceRules:
                - apiGroups: [""]
                  apiVersions: [v1]
                  operations: [CREATE]
                  resources: [configmaps, secrets]
                excludeResourceRules:
                - apiGroups: [""]
                  apiVersions: [v1]
                  operations: [CREATE]
                  resources: [configmaps]
                  resourceNames: [allowed]
              validations:
              - expression: "false"
                message: denied
            """, ct, bindingExtra: """
              matchResources:
                resourceRules:
                - apiGroups: [""]
                  apiVersions: [v1]
                  operations: [CREATE]
                  resources: [configmaps]
            """);

        var denied = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), "team", cancellationToken: ct));
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), "default", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("allowed"), "team", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(Labelled("skipped", "skip", "yes"), "team", cancellationToken: ct);
        await cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, "team", cancellationToken: ct);

        denied.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "configmaps \"c\" is forbidden: ValidatingAdmissionPolicy 'deny-all' with binding 'deny-all-binding' denied request: denied");
    }

    [Fact]
    public async Task Match_conditions_variables_request_oldObject_and_namespaceObject_are_in_scope()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AddPolicyAsync("immutable-owner", ConfigMapRules + """

              matchConditions:
              - name: only-updates
                expression: "request.operation == 'UPDATE'"
              - name: not-admins-marker
                expression: "!has(object.metadata.labels) || !('exempt' in object.metadata.labels)"
              variables:
              - name: owner
                expression: "has(object.metadata.labels) && 'owner' in object.metadata.labels ? object.metadata.labels['owner'] : ''"
              - name: oldOwner
                expression: "has(oldObject.metadata.labels) && 'owner' in oldObject.metadata.labels ? oldObject.metadata.labels['owner'] : ''"
              validations:
              - expression: "variables.owner == variables.oldOwner"
                messageExpression: "'owner of ' + request.name + ' in ' + namespaceObject.metadata.name + ' changed from ' + variables.oldOwner + ' to ' + variables.owner + ' by ' + request.userInfo.username"
            """, ct);

        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(Labelled("c", "owner", "alice"), "default", cancellationToken: ct);
        var changed = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"owner":"bob"}}}""", V1Patch.PatchType.MergePatch), "c", "default", cancellationToken: ct));
        await cluster.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"labels":{"owner":"bob","exempt":"yes"}}}""", V1Patch.PatchType.MergePatch), "c", "default", cancellationToken: ct);

        var status = changed.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid", null);
        Assert.StartsWith(
            "configmaps \"c\" is forbidden: ValidatingAdmissionPolicy 'immutable-owner' with binding 'immutable-owner-binding' denied request: owner of c in default changed from alice to bob by ",
            (string?)status["message"]);
    }

    [Fact]
    public async Task Expression_errors_deny_under_failurePolicy_Fail_and_are_skipped_under_Ignore()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.Client.AddPolicyAsync("strict", ConfigMapRules + """

              failurePolicy: Fail
              validations:
              - expression: "object.data.missing == 'x'"
            """, ct, bindingExtra: """
              matchResources:
                objectSelector:
                  matchLabels:
                    policy: strict
            """);
        await cluster.Client.AddPolicyAsync("lenient", ConfigMapRules + """

              failurePolicy: Ignore
              validations:
              - expression: "object.data.missing == 'x'"
            """, ct, bindingExtra: """
              matchResources:
                objectSelector:
                  matchLabels:
                    policy: lenient
            """);

        var strict = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(Labelled("a", "policy", "strict"), "default", cancellationToken: ct));
        await cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(Labelled("b", "policy", "lenient"), "default", cancellationToken: ct);

        strict.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "configmaps \"a\" is forbidden: ValidatingAdmissionPolicy 'strict' with binding 'strict-binding' denied request: " +
            "expression 'object.data.missing == 'x'' resulted in error: no such key: missing");
    }

    [Fact]
    public async Task Audit_annotations_must_be_strings_and_the_authorizer_asks_rbac()
    {
        using var timeout = new CancellationTokenSource(TestTimeout);
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(new FakeClusterOptions { AuthorizationMode = "RBAC" }, ct);
        await cluster.Client.AddPolicyAsync("robot-may-not", ConfigMapRules + """

              validations:
              - expression: "authorizer.serviceAccount('default', 'robot').group('').resource('configmaps').namespace('default').check('create').allowed()"
                message: robot may not create configmaps
              - expression: "authorizer.requestResource.check('create').allowed()"
              auditAnnotations:
              - key: size
                valueExpression: "string(size(object.metadata.name))"
            """, ct, bindingExtra: """
              matchResources:
                objectSelector:
                  matchLabels:
                    check: robot
            """);
        await cluster.Client.AddPolicyAsync("bad-annotation", ConfigMapRules + """

              auditAnnotations:
              - key: count
                valueExpression: "1"
            """, ct, bindingExtra: """
              matchResources:
                objectSelector:
                  matchLabels:
                    check: annotation
            """);

        var robot = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(Labelled("a", "check", "robot"), "default", cancellationToken: ct));
        var annotation = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.CoreV1.CreateNamespacedConfigMapAsync(Labelled("b", "check", "annotation"), "default", cancellationToken: ct));

        robot.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "configmaps \"a\" is forbidden: ValidatingAdmissionPolicy 'robot-may-not' with binding 'robot-may-not-binding' denied request: robot may not create configmaps");
        annotation.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "configmaps \"b\" is forbidden: ValidatingAdmissionPolicy 'bad-annotation' with binding 'bad-annotation-binding' denied request: " +
            "valueExpression '1' resulted in unsupported return type: int. Return type must be either string or null.");
    }
}
