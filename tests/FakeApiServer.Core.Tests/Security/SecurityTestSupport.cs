using FakeApiServer.Testing;
using k8s;
using k8s.Models;

namespace FakeApiServer.Tests.Security;

/// <summary>Clients that act as another user through impersonation headers (kubectl --as, --as-group), and RBAC object builders.</summary>
internal static class SecurityTestSupport
{
    /// <summary>A KubernetesClient whose requests impersonate <paramref name="user"/> in <paramref name="groups"/>.</summary>
    public static Kubernetes As(this FakeCluster cluster, string user, params string[] groups) =>
        new(new KubernetesClientConfiguration { Host = cluster.BaseAddress.ToString() }, new Impersonating(user, groups));

    /// <summary>A raw HTTP client that impersonates <paramref name="user"/>.</summary>
    public static HttpClient HttpAs(this FakeCluster cluster, string user) =>
        new(new Impersonating(user, []) { InnerHandler = new HttpClientHandler() }) { BaseAddress = cluster.BaseAddress };

    public static V1RoleBinding RoleBinding(string name, string kind, string role, params Rbacv1Subject[] subjects) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = kind, Name = role },
        Subjects = subjects,
    };

    public static Rbacv1Subject User(string name) => new() { Kind = "User", Name = name, ApiGroup = "rbac.authorization.k8s.io" };

    public static V1PolicyRule Rule(string[] verbs, string[] groups, string[] resources) => new() { Verbs = verbs, ApiGroups = groups, Resources = resources };

    private sealed class Impersonating(string user, string[] groups) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add("Impersonate-User", user);
            foreach (var group in groups)
            {
                request.Headers.Add("Impersonate-Group", group);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
