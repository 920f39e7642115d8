using FakeApiServer.ResourceUsage;

namespace FakeApiServer.Tests.ResourceUsage;

/// <summary>The fakeapiserver.io/cpu-usage and memory-usage annotation values: constants, percentages of the request, ramps.</summary>
public sealed class UsageProfileTests
{
    [Theory]
    [InlineData("250m", 0, null, 0.25)]
    [InlineData("64Mi", 0, null, 67108864)]
    [InlineData("40%", 0, 0.5, 0.2)]
    [InlineData("40%", 0, null, 0)]
    [InlineData("100m->900m/5m", 0, null, 0.1)]
    [InlineData("100m->900m/5m", 150, null, 0.5)]
    [InlineData("100m->900m/5m", 300, null, 0.9)]
    [InlineData("100m->900m/5m", 3600, null, 0.9)]
    [InlineData("10%->90%/100s", 50, 2.0, 1.0)]
    public void A_profile_gives_the_usage_at_a_time_since_start(string text, int seconds, double? request, double expected)
    {
        var profile = UsageProfile.Parse(text);

        Assert.NotNull(profile);
        Assert.Equal((decimal)expected, profile.At(TimeSpan.FromSeconds(seconds), request is { } r ? (decimal)r : null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-1")]
    [InlineData("100m->900m")]
    [InlineData("100m->900m/soon")]
    [InlineData("10%->900m/5m")]
    public void A_malformed_value_is_ignored(string text) => Assert.Null(UsageProfile.Parse(text));
}
