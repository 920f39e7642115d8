using FakeApiServer.Controllers.Jobs;

namespace FakeApiServer.Tests.Controllers.Jobs;

public sealed class JobAccountingTests
{
    [Theory]
    [InlineData(new int[0], "")]
    [InlineData(new[] { 0 }, "0")]
    [InlineData(new[] { 0, 1, 2 }, "0-2")]
    [InlineData(new[] { 1, 3, 4, 5, 7 }, "1,3-5,7")]
    public void Completed_indexes_are_written_as_intervals_and_read_back(int[] indexes, string text)
    {
        Assert.Equal(text, CompletedIndexes.Format(indexes));
        Assert.Equal(indexes, CompletedIndexes.Parse(text, 10));
    }

    [Fact]
    public void Completed_indexes_at_or_above_completions_are_dropped()
    {
        Assert.Equal([1, 2], CompletedIndexes.Parse("1-4", 3));
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(5, 160)]
    [InlineData(6, 320)]
    [InlineData(7, 360)]
    [InlineData(30, 360)]
    public void The_pod_failure_back_off_is_10s_doubling_up_to_6_minutes(int failures, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), new PodFailureBackoff(failures, DateTimeOffset.UnixEpoch).Delay);
    }

    [Fact]
    public void The_back_off_counts_from_the_last_failure_and_a_success_resets_it()
    {
        var failed = DateTimeOffset.UnixEpoch.AddHours(1);
        var backoff = PodFailureBackoff.None.After(0, 1, failed).After(0, 1, failed.AddSeconds(5));

        Assert.Equal(2, backoff.FailuresAfterLastSuccess);
        Assert.Equal(TimeSpan.FromSeconds(5), backoff.Remaining(failed.AddSeconds(20)));
        Assert.Equal(TimeSpan.Zero, backoff.Remaining(failed.AddSeconds(25)));
        Assert.Equal(PodFailureBackoff.None, backoff.After(1, 0, DateTimeOffset.MinValue));
    }

    [Theory]
    [InlineData("""{"rules":[{"succeededIndexes":"0-1"}]}""", new[] { 0, 1 }, 0)]
    [InlineData("""{"rules":[{"succeededIndexes":"0-1"}]}""", new[] { 0, 2 }, null)]
    [InlineData("""{"rules":[{"succeededCount":2}]}""", new[] { 3, 4 }, 0)]
    [InlineData("""{"rules":[{"succeededIndexes":"0-3","succeededCount":1},{"succeededCount":1}]}""", new[] { 4 }, 1)]
    public void A_success_policy_is_met_by_its_first_satisfied_rule(string policy, int[] succeeded, int? rule)
    {
        Assert.Equal(rule, SuccessPolicy.MetRule(System.Text.Json.Nodes.JsonNode.Parse(policy)!.AsObject(), succeeded.ToHashSet(), 5));
    }
}
