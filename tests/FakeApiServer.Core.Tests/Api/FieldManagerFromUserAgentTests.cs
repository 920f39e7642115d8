using FakeApiServer.Api;

namespace FakeApiServer.Tests.Api;

/// <summary>The field manager of a write that names none: the User-Agent's printable prefix, as upstream's prefixFromUserAgent.</summary>
public sealed class FieldManagerFromUserAgentTests
{
    [Theory]
    [InlineData("kubectl/v1.33.0 (linux/amd64) kubernetes/abc", "kubectl")]
    [InlineData("client-go", "client-go")]
    [InlineData("", "")]
    [InlineData("a\u0001b/1", "ab")]
    [InlineData("caf\u00e9/1", "caf\u00e9")]
    public void The_field_manager_of_a_user_agent_is_its_printable_prefix(string userAgent, string manager) =>
        Assert.Equal(manager, QueryOptions.ManagerFromUserAgent(userAgent));

    [Fact]
    public void A_field_manager_from_a_long_user_agent_is_cut_at_128_bytes()
    {
        Assert.Equal(new string('a', 128), QueryOptions.ManagerFromUserAgent(new string('a', 200)));
        Assert.Equal(new string('\u00e9', 64), QueryOptions.ManagerFromUserAgent(new string('\u00e9', 100) + "/1"));
    }
}
