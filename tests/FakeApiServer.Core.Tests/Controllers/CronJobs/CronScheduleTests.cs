using FakeApiServer.Controllers.CronJobs;

namespace FakeApiServer.Tests.Controllers.CronJobs;

public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 17, 28, 30, TimeSpan.Zero);

    [Theory]
    [InlineData("*/1 * * * *", "2026-12-06T17:29:00+00:00")]
    [InlineData("*/15 * * * *", "2026-12-06T17:30:00+00:00")]
    [InlineData("5 * * * *", "2026-12-06T18:05:00+00:00")]
    [InlineData("0 9-17/4 * * MON-FRI", "2026-12-07T09:00:00+00:00")]
    [InlineData("0 0 1 JAN *", "2027-01-01T00:00:00+00:00")]
    [InlineData("@hourly", "2026-12-06T18:00:00+00:00")]
    [InlineData("@daily", "2026-12-07T00:00:00+00:00")]
    [InlineData("@weekly", "2026-12-13T00:00:00+00:00")]
    [InlineData("@monthly", "2027-01-01T00:00:00+00:00")]
    [InlineData("@yearly", "2027-01-01T00:00:00+00:00")]
    [InlineData("0 0 13 * 5", "2026-12-11T00:00:00+00:00")]
    [InlineData("0 0 ? * SAT", "2026-12-12T00:00:00+00:00")]
    [InlineData("30 2 29 2 *", "2028-02-29T02:30:00+00:00")]
    public void The_next_time_is_the_first_matching_minute_after(string schedule, string next)
    {
        Assert.Equal(DateTimeOffset.Parse(next, System.Globalization.CultureInfo.InvariantCulture), CronSchedule.Parse(schedule).Next(Start, TimeZoneInfo.Utc));
    }

    [Fact]
    public void A_time_zone_schedules_in_its_wall_clock_time()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        var next = CronSchedule.Parse("0 9 * * *").Next(Start, berlin);

        Assert.Equal(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero), next!.Value.ToUniversalTime());
    }

    [Fact]
    public void A_wall_time_skipped_by_daylight_saving_does_not_run_that_day()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

        var next = CronSchedule.Parse("30 2 * * *").Next(new DateTimeOffset(2027, 3, 28, 0, 0, 0, TimeSpan.Zero), berlin);

        Assert.Equal(new DateTimeOffset(2027, 3, 29, 0, 30, 0, TimeSpan.Zero), next!.Value.ToUniversalTime());
    }

    [Theory]
    [InlineData("* * * *", "expected exactly 5 fields, found 4: [* * * *]")]
    [InlineData("60 * * * *", "end of range (60) above maximum (59): 60")]
    [InlineData("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1")]
    [InlineData("*/0 * * * *", "step of range should be a positive number: */0")]
    [InlineData("@every-day", "unrecognized descriptor: @every-day")]
    [InlineData("x * * * *", "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax")]
    public void A_bad_schedule_says_what_is_wrong_as_robfig_cron(string schedule, string message)
    {
        Assert.False(CronSchedule.TryParse(schedule, out _, out var error));
        Assert.Equal(message, error);
    }
}
