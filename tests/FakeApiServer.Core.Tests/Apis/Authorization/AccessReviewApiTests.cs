using System.Net;
using FakeApiServer.Testing;
using FakeApiServer.Tests.Api;
using FakeApiServer.Tests.Security;
using k8s;
using k8s.Autorest;
using k8s.Models;
using static FakeApiServer.Tests.Api.ApiTestSupport;
using static FakeApiServer.Tests.Security.SecurityTestSupport;

namespace FakeApiServer.Tests.Apis.Authorization;

/// <summary>The create-only reviews (kubectl auth can-i, can-i --list, whoami) through the KubernetesClient.</summary>
public sealed class AccessReviewApiTests
{
    private static readonly FakeClusterOptions Rbac = new() { AuthorizationMode = "RBAC" };

    private static V1SelfSubjectAccessReview Ask(string verb, string resource, string ns) => new()
    {
        Spec = new V1SelfSubjectAccessReviewSpec { ResourceAttributes = new V1ResourceAttributes { Verb = verb, Resource = resource, NamespaceProperty = ns } },
    };

    [Fact]
    public async Task SelfSubjectAccessReview_answers_for_the_requesting_user()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(Rbac, ct);
        using var bob = cluster.As("bob");

        var denied = await bob.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(Ask("list", "pods", "default"), cancellationToken: ct);
        Assert.False(denied.Status.Allowed);
        Assert.Equal("list", denied.Spec.ResourceAttributes.Verb);
        Assert.True((await cluster.Client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(Ask("list", "pods", "default"), cancellationToken: ct)).Status.Allowed);

        await cluster.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding("bob-view", "ClusterRole", "view", User("bob")), "default", cancellationToken: ct);
        Assert.True((await bob.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(Ask("list", "pods", "default"), cancellationToken: ct)).Status.Allowed);
        Assert.False((await bob.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(Ask("list", "pods", "kube-system"), cancellationToken: ct)).Status.Allowed);

        var neither = await Assert.ThrowsAsync<HttpOperationException>(() =>
            bob.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(new V1SelfSubjectAccessReview { Spec = new V1SelfSubjectAccessReviewSpec() }, cancellationToken: ct));
        neither.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified");
    }

    [Fact]
    public async Task SubjectAccessReview_answers_for_the_user_in_the_spec_with_the_binding_that_allowed_it()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(Rbac, ct);
        await cluster.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding("bob-view", "ClusterRole", "view", User("bob")), "default", cancellationToken: ct);

        var review = await cluster.Client.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
        {
            Spec = new V1SubjectAccessReviewSpec { User = "bob", ResourceAttributes = new V1ResourceAttributes { Verb = "get", Resource = "configmaps", NamespaceProperty = "default" } },
        }, cancellationToken: ct);
        Assert.True(review.Status.Allowed);
        Assert.Equal("RBAC: allowed by RoleBinding \"bob-view/default\" of ClusterRole \"view\" to User \"bob\"", review.Status.Reason);

        var local = await cluster.Client.AuthorizationV1.CreateNamespacedLocalSubjectAccessReviewAsync(new V1LocalSubjectAccessReview
        {
            Metadata = new V1ObjectMeta { NamespaceProperty = "kube-system" },
            Spec = new V1SubjectAccessReviewSpec { User = "bob", ResourceAttributes = new V1ResourceAttributes { Verb = "get", Resource = "configmaps", NamespaceProperty = "kube-system" } },
        }, "kube-system", cancellationToken: ct);
        Assert.False(local.Status.Allowed);

        var nobody = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.AuthorizationV1.CreateSubjectAccessReviewAsync(new V1SubjectAccessReview
        {
            Spec = new V1SubjectAccessReviewSpec { NonResourceAttributes = new V1NonResourceAttributes { Verb = "get", Path = "/healthz" } },
        }, cancellationToken: ct));
        nobody.AssertStatus(HttpStatusCode.UnprocessableEntity, "Invalid",
            "SubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.user: Invalid value: \"\": at least one of user or group must be specified");
    }

    [Fact]
    public async Task SelfSubjectRulesReview_lists_the_requesting_users_rules_in_a_namespace()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(Rbac, ct);
        await cluster.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(RoleBinding("bob-view", "ClusterRole", "view", User("bob")), "default", cancellationToken: ct);
        using var bob = cluster.As("bob");

        var inDefault = await bob.AuthorizationV1.CreateSelfSubjectRulesReviewAsync(
            new V1SelfSubjectRulesReview { Spec = new V1SelfSubjectRulesReviewSpec { NamespaceProperty = "default" } }, cancellationToken: ct);
        Assert.False(inDefault.Status.Incomplete);
        Assert.Contains(inDefault.Status.ResourceRules, r => r.Resources.Contains("configmaps") && r.Verbs.Contains("list"));
        Assert.Contains(inDefault.Status.ResourceRules, r => r.Resources.Contains("selfsubjectaccessreviews"));
        Assert.Contains(inDefault.Status.NonResourceRules, r => r.NonResourceURLs.Contains("/healthz"));

        var inKubeSystem = await bob.AuthorizationV1.CreateSelfSubjectRulesReviewAsync(
            new V1SelfSubjectRulesReview { Spec = new V1SelfSubjectRulesReviewSpec { NamespaceProperty = "kube-system" } }, cancellationToken: ct);
        Assert.DoesNotContain(inKubeSystem.Status.ResourceRules, r => r.Resources.Contains("configmaps"));
    }

    [Fact]
    public async Task SelfSubjectReview_shows_the_impersonated_user_and_reviews_are_create_only()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        using var bob = cluster.As("bob", "g");

        var review = await bob.AuthenticationV1.CreateSelfSubjectReviewAsync(new V1SelfSubjectReview(), cancellationToken: ct);
        Assert.Equal("bob", review.Status.UserInfo.Username);
        Assert.Equal(["g", "system:authenticated"], review.Status.UserInfo.Groups);
        var unsecured = await cluster.Client.AuthenticationV1.CreateSelfSubjectReviewAsync(new V1SelfSubjectReview(), cancellationToken: ct);
        Assert.Equal("system:unsecured", unsecured.Status.UserInfo.Username);

        using var http = cluster.Http();
        using var list = await http.GetAsync("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", ct);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, list.StatusCode);
        var resources = await cluster.Client.AuthorizationV1.GetAPIResourcesAsync(cancellationToken: ct);
        Assert.All(resources.Resources, r => Assert.Equal(["create"], r.Verbs));
    }
}
