using FakeApiServer.Security.Authorization;
using FakeApiServer.Tests.Api;

namespace FakeApiServer.Tests.Security.Authorization;

public sealed class RequestAttributesTests
{
    private static AuthorizationAttributes For(string method, string pathAndQuery) => RequestAttributes.From(TestRequests.Context(method, pathAndQuery));

    [Theory]
    [InlineData("GET", "/api/v1/namespaces/default/pods", "list", "", "default", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/default/pods?watch=true", "watch", "", "default", "pods", "", "")]
    [InlineData("GET", "/api/v1/watch/namespaces/default/pods", "watch", "", "default", "pods", "", "")]
    [InlineData("GET", "/api/v1/pods", "list", "", "", "pods", "", "")]
    [InlineData("GET", "/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dweb", "list", "", "default", "pods", "web", "")]
    [InlineData("GET", "/api/v1/namespaces/default/pods/web", "get", "", "default", "pods", "web", "")]
    [InlineData("PUT", "/api/v1/namespaces/default/pods/web/status", "update", "", "default", "pods", "web", "status")]
    [InlineData("GET", "/api/v1/namespaces/default/pods/web/proxy/a/b", "get", "", "default", "pods", "web", "proxy")]
    [InlineData("POST", "/apis/apps/v1/namespaces/kube-system/deployments", "create", "apps", "kube-system", "deployments", "", "")]
    [InlineData("PATCH", "/apis/apps/v1/namespaces/x/deployments/web/scale", "patch", "apps", "x", "deployments", "web", "scale")]
    [InlineData("DELETE", "/apis/apps/v1/namespaces/x/deployments/web", "delete", "apps", "x", "deployments", "web", "")]
    [InlineData("DELETE", "/apis/apps/v1/namespaces/x/deployments", "deletecollection", "apps", "x", "deployments", "", "")]
    [InlineData("GET", "/api/v1/namespaces/team", "get", "", "team", "namespaces", "team", "")]
    [InlineData("PUT", "/api/v1/namespaces/team/finalize", "update", "", "team", "namespaces", "team", "finalize")]
    [InlineData("GET", "/api/v1/namespaces", "list", "", "", "namespaces", "", "")]
    [InlineData("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin", "get", "rbac.authorization.k8s.io", "", "clusterroles", "admin", "")]
    public void Resource_requests_are_read_as_upstreams_RequestInfoFactory(
        string method, string path, string verb, string group, string ns, string resource, string name, string subresource)
    {
        var a = For(method, path);
        Assert.True(a.IsResourceRequest);
        Assert.Equal((verb, group, ns, resource, name, subresource), (a.Verb, a.ApiGroup, a.Namespace, a.Resource, a.Name, a.Subresource));
    }

    [Theory]
    [InlineData("GET", "/healthz", "get")]
    [InlineData("GET", "/api", "get")]
    [InlineData("GET", "/api/v1", "get")]
    [InlineData("GET", "/apis/apps/v1", "get")]
    [InlineData("GET", "/openapi/v3/apis/apps/v1", "get")]
    [InlineData("POST", "/foo", "post")]
    public void Other_paths_are_non_resource_requests_whose_verb_is_the_method(string method, string path, string verb)
    {
        var a = For(method, path);
        Assert.False(a.IsResourceRequest);
        Assert.Equal((verb, path), (a.Verb, a.Path));
    }
}
