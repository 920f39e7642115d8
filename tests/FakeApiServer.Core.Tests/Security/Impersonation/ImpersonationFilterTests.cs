using System.Text.Json.Nodes;
using FakeApiServer.Security;
using FakeApiServer.Security.Authorization;
using FakeApiServer.Security.Impersonation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace FakeApiServer.Tests.Security.Impersonation;

public sealed class ImpersonationFilterTests
{
    /// <summary>Allows impersonating what <see cref="_allowed"/> names (resource/name), and records every question.</summary>
    private sealed class RecordingAuthorizer(params string[] allowed) : IAuthorizer
    {
        private readonly string[] _allowed = allowed;

        public List<AuthorizationAttributes> Asked { get; } = [];

        public AuthorizationDecision Authorize(AuthorizationAttributes attributes)
        {
            Asked.Add(attributes);
            var key = attributes.Resource + (attributes.Subresource.Length > 0 ? "/" + attributes.Subresource : "") + "/" + attributes.Name;
            return _allowed.Contains(key) ? AuthorizationDecision.Allow() : AuthorizationDecision.NoOpinion();
        }

        public SubjectRules RulesFor(UserInfo user, string ns) => SubjectRules.None;
    }

    private static async Task<(HttpContext Context, UserInfo? User)> RunAsync(IAuthorizer authorizer, UserInfo requestor, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        context.SetUser(requestor);
        foreach (var group in headers.GroupBy(h => h.Name))
        {
            context.Request.Headers[group.Key] = group.Select(h => h.Value).ToArray();
        }

        UserInfo? seen = null;
        await new ImpersonationFilter(authorizer, NullLogger.Instance).InvokeAsync(context, c =>
        {
            seen = c.GetUser();
            return Task.CompletedTask;
        });
        return (context, seen);
    }

    private static JsonObject Status(HttpContext context) => (JsonObject)JsonNode.Parse(((MemoryStream)context.Response.Body).ToArray())!;

    [Fact]
    public async Task A_request_without_impersonation_headers_keeps_its_user()
    {
        var bob = UserInfo.Of("bob", UserInfo.AuthenticatedGroup);
        var (_, user) = await RunAsync(new RecordingAuthorizer(), bob);
        Assert.Same(bob, user);
    }

    [Fact]
    public async Task An_allowed_user_and_groups_become_the_request_user_with_system_authenticated()
    {
        var authorizer = new RecordingAuthorizer("users/alice", "groups/devs", "userextras/scopes/view", "uids/42");
        var (_, user) = await RunAsync(authorizer, UserInfo.Unsecured,
            ("Impersonate-User", "alice"), ("Impersonate-Group", "devs"), ("Impersonate-Extra-Scopes", "view"), ("Impersonate-Uid", "42"));

        Assert.NotNull(user);
        Assert.Equal("alice", user.Name);
        Assert.Equal("42", user.Uid);
        Assert.Equal(["devs", UserInfo.AuthenticatedGroup], user.Groups);
        Assert.Equal(["view"], user.Extra["scopes"]);
        Assert.Equal(["users", "groups", "userextras", "uids"], authorizer.Asked.Select(a => a.Resource));
        Assert.All(authorizer.Asked, a => Assert.Equal("impersonate", a.Verb));
        Assert.Equal("authentication.k8s.io", authorizer.Asked[3].ApiGroup);
    }

    [Fact]
    public async Task A_service_account_user_is_checked_in_its_namespace_and_gets_the_service_account_groups()
    {
        var authorizer = new RecordingAuthorizer("serviceaccounts/x");
        var (_, user) = await RunAsync(authorizer, UserInfo.Unsecured, ("Impersonate-User", "system:serviceaccount:default:x"));

        Assert.Equal("system:serviceaccount:default:x", user!.Name);
        Assert.Equal(["system:serviceaccounts", "system:serviceaccounts:default", UserInfo.AuthenticatedGroup], user.Groups);
        Assert.Equal("default", authorizer.Asked.Single().Namespace);
    }

    [Fact]
    public async Task A_refused_impersonation_answers_403_with_upstreams_message()
    {
        var (context, user) = await RunAsync(new RecordingAuthorizer("users/alice"), UserInfo.Of("bob", UserInfo.AuthenticatedGroup),
            ("Impersonate-User", "alice"), ("Impersonate-Group", "system:masters"));

        Assert.Null(user);
        Assert.Equal(403, context.Response.StatusCode);
        var status = Status(context);
        Assert.Equal("Forbidden", (string?)status["reason"]);
        Assert.Equal("groups \"system:masters\" is forbidden: User \"bob\" cannot impersonate resource \"groups\" in API group \"\" at the cluster scope",
            (string?)status["message"]);
    }

    [Fact]
    public async Task Groups_without_a_user_are_a_bad_request()
    {
        var (context, user) = await RunAsync(new RecordingAuthorizer("groups/devs"), UserInfo.Unsecured, ("Impersonate-Group", "devs"));
        Assert.Null(user);
        Assert.Equal(400, context.Response.StatusCode);
        Assert.EndsWith("without impersonating a user", (string?)Status(context)["message"]);
    }
}
