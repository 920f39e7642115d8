using FakeApiServer.Api;

namespace FakeApiServer.Tests.Api;

/// <summary>
/// The request info every filter, the router and the verbs read, against the cases of upstream's requestinfo_test.go
/// (TestGetAPIRequestInfo, TestGetNonAPIRequestInfo, TestSelectorParsing) and a few of this server's own.
/// </summary>
public sealed class RequestInfoTests
{
    private static RequestInfo For(string method, string pathAndQuery) => RequestInfo.Of(TestRequests.Context(method, pathAndQuery));

    [Theory]
    // resource paths
    [InlineData("GET", "/api/v1/namespaces", "list", "api", "", "v1", "", "namespaces", "", "", "namespaces")]
    [InlineData("GET", "/api/v1/namespaces/other", "get", "api", "", "v1", "other", "namespaces", "", "other", "namespaces,other")]
    [InlineData("GET", "/api/v1/namespaces/other/pods", "list", "api", "", "v1", "other", "pods", "", "", "pods")]
    [InlineData("GET", "/api/v1/namespaces/other/pods/foo", "get", "api", "", "v1", "other", "pods", "", "foo", "pods,foo")]
    [InlineData("HEAD", "/api/v1/namespaces/other/pods/foo", "get", "api", "", "v1", "other", "pods", "", "foo", "pods,foo")]
    [InlineData("GET", "/api/v1/pods", "list", "api", "", "v1", "", "pods", "", "", "pods")]
    [InlineData("HEAD", "/api/v1/pods", "list", "api", "", "v1", "", "pods", "", "", "pods")]
    // special verbs
    [InlineData("GET", "/api/v1/proxy/namespaces/other/pods/foo", "proxy", "api", "", "v1", "other", "pods", "", "foo", "pods,foo")]
    [InlineData("GET", "/api/v1/proxy/namespaces/other/pods/foo/subpath/not/a/subresource", "proxy", "api", "", "v1", "other", "pods", "", "foo", "pods,foo,subpath,not,a,subresource")]
    [InlineData("GET", "/api/v1/watch/pods", "watch", "api", "", "v1", "", "pods", "", "", "pods")]
    [InlineData("GET", "/api/v1/pods?watch=true", "watch", "api", "", "v1", "", "pods", "", "", "pods")]
    [InlineData("GET", "/api/v1/pods?watch=false", "list", "api", "", "v1", "", "pods", "", "", "pods")]
    [InlineData("GET", "/api/v1/watch/namespaces/other/pods", "watch", "api", "", "v1", "other", "pods", "", "", "pods")]
    [InlineData("GET", "/api/v1/namespaces/other/pods?watch=1", "watch", "api", "", "v1", "other", "pods", "", "", "pods")]
    [InlineData("GET", "/api/v1/namespaces/other/pods?watch=0", "list", "api", "", "v1", "other", "pods", "", "", "pods")]
    // subresource identification
    [InlineData("GET", "/api/v1/namespaces/other/pods/foo/status", "get", "api", "", "v1", "other", "pods", "status", "foo", "pods,foo,status")]
    [InlineData("GET", "/api/v1/namespaces/other/pods/foo/proxy/subpath", "get", "api", "", "v1", "other", "pods", "proxy", "foo", "pods,foo,proxy,subpath")]
    [InlineData("PUT", "/api/v1/namespaces/other/finalize", "update", "api", "", "v1", "other", "namespaces", "finalize", "other", "namespaces,other,finalize")]
    [InlineData("PUT", "/api/v1/namespaces/other/status", "update", "api", "", "v1", "other", "namespaces", "status", "other", "namespaces,other,status")]
    // verb identification
    [InlineData("PATCH", "/api/v1/namespaces/other/pods/foo", "patch", "api", "", "v1", "other", "pods", "", "foo", "pods,foo")]
    [InlineData("DELETE", "/api/v1/namespaces/other/pods/foo", "delete", "api", "", "v1", "other", "pods", "", "foo", "pods,foo")]
    [InlineData("POST", "/api/v1/namespaces/other/pods", "create", "api", "", "v1", "other", "pods", "", "", "pods")]
    // deletecollection verb identification
    [InlineData("DELETE", "/api/v1/nodes", "deletecollection", "api", "", "v1", "", "nodes", "", "", "nodes")]
    [InlineData("DELETE", "/api/v1/namespaces", "deletecollection", "api", "", "v1", "", "namespaces", "", "", "namespaces")]
    [InlineData("DELETE", "/api/v1/namespaces/other/pods", "deletecollection", "api", "", "v1", "other", "pods", "", "", "pods")]
    [InlineData("DELETE", "/apis/extensions/v1/namespaces/other/pods", "deletecollection", "apis", "extensions", "v1", "other", "pods", "", "", "pods")]
    // api group and version identification
    [InlineData("POST", "/apis/extensions/v1/namespaces/other/pods", "create", "apis", "extensions", "v1", "other", "pods", "", "", "pods")]
    [InlineData("POST", "/apis/extensions/v1beta3/namespaces/other/pods", "create", "apis", "extensions", "v1beta3", "other", "pods", "", "", "pods")]
    // this server's own cases: the legacy watch paths of a group, a named object's watch, subresources of a group,
    // an unknown method, a leading double slash, a watch value upstream's ListOptions decoding reads as true
    [InlineData("GET", "/apis/apps/v1/watch/namespaces/default/deployments/web", "watch", "apis", "apps", "v1", "default", "deployments", "", "web", "deployments,web")]
    [InlineData("GET", "/apis/apps/v1/watch/deployments/", "watch", "apis", "apps", "v1", "", "deployments", "", "", "deployments")]
    [InlineData("PATCH", "/apis/apps/v1/namespaces/x/deployments/web/scale", "patch", "apis", "apps", "v1", "x", "deployments", "scale", "web", "deployments,web,scale")]
    [InlineData("POST", "/api/v1/namespaces/x/pods/web/eviction", "create", "api", "", "v1", "x", "pods", "eviction", "web", "pods,web,eviction")]
    [InlineData("GET", "/api/v1/namespaces/x/pods/web?watch=true", "get", "api", "", "v1", "x", "pods", "", "web", "pods,web")]
    [InlineData("OPTIONS", "/api/v1/namespaces/x/pods", "", "api", "", "v1", "x", "pods", "", "", "pods")]
    [InlineData("GET", "//api/v1/namespaces/x/configmaps?watch=1", "watch", "api", "", "v1", "x", "configmaps", "", "", "configmaps")]
    [InlineData("GET", "/api/v1/namespaces/x/configmaps?watch=yes", "watch", "api", "", "v1", "x", "configmaps", "", "", "configmaps")]
    [InlineData("GET", "/api/v1/namespaces/x/configmaps?watch=FALSE", "list", "api", "", "v1", "x", "configmaps", "", "", "configmaps")]
    [InlineData("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin", "get", "apis", "rbac.authorization.k8s.io", "v1", "", "clusterroles", "", "admin", "clusterroles,admin")]
    public void Resource_requests_are_read_as_upstreams_RequestInfoFactory(
        string method, string url, string verb, string prefix, string group, string version, string ns, string resource, string subresource, string name, string parts)
    {
        var info = For(method, url);

        Assert.True(info.IsResourceRequest);
        Assert.Equal(
            (verb, prefix, group, version, ns, resource, subresource, name, parts),
            (info.Verb, info.ApiPrefix, info.Group, info.Version, info.Namespace, info.Resource, info.Subresource, info.Name, string.Join(',', info.Parts)));
    }

    [Theory]
    [InlineData("/api/version/resource", true)]
    [InlineData("/apis/group/version/resource/name/subresource", true)]
    [InlineData("/api/version/resource/name/subresource", true)]
    [InlineData("/apis/batch/v1/job", true)]
    [InlineData("/apis/batch/v1/job/foo", true)]
    [InlineData("/apis/batch/v1/job/foo/scale", true)]
    [InlineData("/not-api/version/resource", false)]
    [InlineData("/apis/extensions/v1beta1", false)]
    [InlineData("/apis/extensions/v1beta1/", false)]
    [InlineData("/api/version", false)]
    [InlineData("/api", false)]
    [InlineData("/", false)]
    [InlineData("", false)]
    [InlineData("/apis/version/resource", false)]
    [InlineData("/badprefix/version/resource", false)]
    public void Only_paths_under_a_group_version_are_resource_requests(string url, bool resource)
    {
        Assert.Equal(resource, For("GET", url).IsResourceRequest);
    }

    [Theory]
    [InlineData("GET", "/healthz", "get")]
    [InlineData("GET", "/openapi/v3/apis/apps/v1", "get")]
    [InlineData("POST", "/foo", "post")]
    [InlineData("PUT", "/version", "put")]
    public void A_non_resource_request_has_the_lowercase_method_as_its_verb(string method, string url, string verb)
    {
        var info = For(method, url);

        Assert.False(info.IsResourceRequest);
        Assert.Equal((verb, url), (info.Verb, info.Path));
    }

    [Theory]
    // A deprecated path verb with nothing after it: upstream fails the request (500); here it is not a resource request (404).
    [InlineData("/api/v1/watch")]
    [InlineData("/apis/apps/v1/watch/")]
    [InlineData("/api/v1/proxy")]
    public void A_path_verb_without_a_resource_is_not_a_resource_request(string url)
    {
        Assert.False(For("GET", url).IsResourceRequest);
    }

    [Theory]
    [InlineData("GET", "/apis/group/version/resource", "", "list", "", "")]
    [InlineData("GET", "/apis/group/version/resource?fieldSelector=metadata.name=name1", "name1", "list", "metadata.name=name1", "")]
    [InlineData("GET", "/apis/group/version/resource?watch=true&fieldSelector=metadata.name=name1", "name1", "watch", "metadata.name=name1", "")]
    [InlineData("GET", "/apis/group/version/resource?fieldSelector=foo=bar&labelSelector=baz=qux", "", "list", "foo=bar", "baz=qux")]
    [InlineData("GET", "/apis/group/version/resource?fieldSelector=metadata.name=name1,foo", "", "list", "metadata.name=name1,foo", "")]
    [InlineData("GET", "/apis/group/version/resource?fieldSelector=metadata.name=name1,foo&watch=true", "", "watch", "metadata.name=name1,foo", "")]
    [InlineData("GET", "/apis/group/version/resource?fieldSelector=metadata.name=name1,foo&watch=false", "", "list", "metadata.name=name1,foo", "")]
    [InlineData("DELETE", "/apis/group/version/resource?fieldSelector=foo=bar&labelSelector=baz=qux", "", "deletecollection", "foo=bar", "baz=qux")]
    [InlineData("GET", "/apis/group/version/resource?fieldSelector=metadata.name=foo&fieldSelector=metadata.name=bar&labelSelector=foo=bar&labelSelector=foo=baz",
        "foo", "list", "metadata.name=foo", "foo=bar")]
    [InlineData("GET", "/apis/group/version/resource/name?fieldSelector=foo=bar&labelSelector=foo=bar", "name", "get", "", "")]
    [InlineData("GET", "/apis/group/version/watch/resource?fieldSelector=metadata.name=foo&labelSelector=foo=bar", "", "watch", "", "")]
    [InlineData("GET", "/apis/group/version/watch/resource/name?fieldSelector=metadata.name=foo&labelSelector=foo=bar", "name", "watch", "", "")]
    // A name that cannot be a path segment is not taken, nor is one beside a bad label selector (upstream decodes them together).
    [InlineData("GET", "/apis/group/version/resource?fieldSelector=metadata.name=a%2Fb", "", "list", "metadata.name=a/b", "")]
    [InlineData("GET", "/apis/group/version/resource?fieldSelector=metadata.name=a&labelSelector=x%20in", "", "list", "metadata.name=a", "x in")]
    public void Selectors_and_the_name_they_pin_are_read_as_upstream_does(
        string method, string url, string name, string verb, string fieldSelector, string labelSelector)
    {
        var info = For(method, url);

        Assert.Equal((name, verb, fieldSelector, labelSelector), (info.Name, info.Verb, info.FieldSelector, info.LabelSelector));
    }

    [Theory]
    [InlineData("/api/v1/namespaces/x/pods/web", true, "web")]
    [InlineData("/api/v1/namespaces/x", false, "x")]
    [InlineData("/api/v1/namespaces/x/status", false, "x")]
    [InlineData("/api/v1/namespaces/x/namespaces/y", true, "y")]
    [InlineData("/api/v1/nodes/n1?fieldSelector=metadata.name%3Dn2", false, "n1")]
    [InlineData("/api/v1/nodes?fieldSelector=metadata.name%3Dn2", false, "")]
    public void The_router_reads_whether_a_namespace_scopes_the_path_and_the_name_the_path_gives(string url, bool inNamespacePath, string pathName)
    {
        var info = For("GET", url);

        Assert.Equal((inNamespacePath, pathName), (info.InNamespacePath, info.PathName));
    }

    [Fact]
    public void The_info_is_worked_out_once_per_request()
    {
        var context = TestRequests.Context("GET", "/api/v1/pods");

        var first = RequestInfo.Of(context);
        context.Request.Path = "/api/v1/nodes";

        Assert.Same(first, RequestInfo.Of(context));
        Assert.Equal("pods", RequestInfo.Of(context).Resource);
    }
}
